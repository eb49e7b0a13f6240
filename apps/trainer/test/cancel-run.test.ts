import { existsSync } from 'node:fs';
import path from 'node:path';
import { generateCorpus } from '@acsa/corpus';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { QUEUES, RETRAIN_STEPS, stepJobId, ZRetrainConfig } from '@acsa/pipelines';
import { listDeadLetters } from '@acsa/pipelines/dead-letters';
import { createRetrainClient, retrainFlow, type TRetrainClient } from '@acsa/pipelines/retrain';
import { cancelRun } from '@acsa/pipelines/runs';
import { makeUser } from '@acsa/pipelines/testing';
import { FlowProducer, Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TTrainer } from '../src/trainer.ts';
import { insertDataset, sandboxPids, startTestTrainer, TINY, waitForRun } from './fixtures.ts';

let db: TestDatabase;
let redis: TestRedis;
let trainer: TTrainer;
// The console's side, in a connection of its own: the cancel reaches the trainer only through Redis.
let consoleSide: { connection: Redis; client: TRetrainClient; queue: Queue };
const prefix = () => `${redis.prefix}bull`;
/** A run left training by a failed test: stopped before the trainer closes, which waits for its step. */
let endless: string | null = null;

/** Resolves once a run's training is under way: its step started and the factory has logged. */
async function trainingStarted(runId: string): Promise<void> {
  await expect
    .poll(() => db.prisma.trainingLog.count({ where: { runId, step: 'train' } }), {
      timeout: 120_000,
      interval: 100,
    })
    .toBeGreaterThanOrEqual(2);
}

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  await insertDataset(db.prisma, 'bootstrap', generateCorpus({ seed: 1, perIntent: 20 }));
  // A poll far longer than the test: the stop it sees comes from the cancel signal.
  trainer = await startTestTrainer(
    { prisma: db.prisma, redisUrl: redis.url, prefix: redis.prefix },
    { cancelPollMs: 600_000 },
  );
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  consoleSide = {
    connection,
    client: createRetrainClient({ prisma: db.prisma, connection, prefix: prefix() }),
    queue: new Queue(QUEUES.retrain, { connection, prefix: prefix() }),
  };
});
afterAll(async () => {
  if (endless) {
    await db.prisma.trainingRun.update({ where: { id: endless }, data: { status: 'CANCELLED' } });
    await consoleSide.client.signalCancel(endless);
  }
  await trainer?.close();
  await Promise.all([consoleSide?.client.close(), consoleSide?.queue.close()]);
  consoleSide?.connection.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('cancelling a run in the middle of a step', () => {
  it('stops the training at once, runs and registers nothing more, and the trainer takes the next run', async () => {
    const { prisma } = db;
    const eli = await makeUser(prisma, 'ENGINEER', 'eli');
    // Training that would go on for hours.
    const { runId } = await trainer.requestRetrain({
      trigger: 'MANUAL',
      config: { ...TINY, mode: 'direct', teacher: { epochs: 100_000, patience: 100_000 } },
    });
    endless = runId;
    await trainingStarted(runId);
    const { dir } = (await Job.fromId(consoleSide.queue, stepJobId(runId, 'snapshot')))!.returnvalue.snapshot;
    expect(existsSync(path.join(dir, 'data.jsonl'))).toBe(true);
    expect(sandboxPids()).toHaveLength(1);

    const asked = Date.now();
    const cancelled = await cancelRun(prisma, eli, consoleSide.client, { runId, reason: 'wrong data' });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', error: `cancelled by ${eli.email}: wrong data` });
    await expect
      .poll(
        async () =>
          (await prisma.trainingStep.findUniqueOrThrow({ where: { runId_name: { runId, name: 'train' } } }))
            .status,
        { timeout: 5_000, interval: 50 },
      )
      .toBe('SKIPPED');
    expect(Date.now() - asked).toBeLessThan(5_000);
    endless = null;
    await trainer.tracker.idle();

    // The training process is gone, and with it the run's files; its jobs left the queues, none failed
    // over to the dead letters, and nothing after the train step ran or was registered.
    expect(sandboxPids()).toEqual([]);
    await expect.poll(() => existsSync(dir)).toBe(false);
    for (const step of ['snapshot', 'train', 'promote'] as const)
      expect(await Job.fromId(consoleSide.queue, stepJobId(runId, step))).toBeUndefined();
    expect(await listDeadLetters({ connection: consoleSide.connection, prefix: prefix() })).toEqual([]);
    const run = await prisma.trainingRun.findUniqueOrThrow({
      where: { id: runId },
      include: { steps: true },
    });
    expect(run.status).toBe('CANCELLED');
    const steps = Object.fromEntries(run.steps.map((s) => [s.name, s]));
    expect(steps.train).toMatchObject({
      status: 'SKIPPED',
      attempts: 1,
      error: 'stopped: the run was cancelled',
    });
    for (const later of ['evaluate', 'gate', 'register', 'promote'])
      expect(steps[later]).toMatchObject({ status: 'SKIPPED', startedAt: null });
    expect(await prisma.modelVersion.count()).toBe(0);
    const logs = await prisma.trainingLog.findMany({
      where: { runId, level: 'warn' },
      orderBy: { id: 'asc' },
    });
    expect(logs.map((l) => l.message)).toEqual([
      `cancelled by ${eli.email}: wrong data; stopping train`,
      'train stopped: the run was cancelled',
    ]);

    // The same trainer runs the next run through.
    const next = await trainer.requestRetrain({ trigger: 'MANUAL', config: TINY });
    expect(next.started).toBe(true);
    const done = await waitForRun(prisma, next.runId, ['SUCCEEDED', 'REJECTED', 'FAILED', 'CANCELLED']);
    expect(done.status, done.error ?? '').toBe('SUCCEEDED');
    expect(await prisma.modelVersion.count({ where: { trainingRunId: next.runId } })).toBe(1);
  });

  it('a run given up before it started stays so when its steps reach the queue after all', async () => {
    const { prisma } = db;
    // As the retrain client leaves a run whose steps it took as never sent (the connection broke while they
    // were being sent) and which Redis had applied after all: failed, never started, its flow queued.
    const error = 'could not be queued: Connection is closed.';
    const run = await prisma.trainingRun.create({
      data: {
        trigger: 'MANUAL',
        mode: 'NONE',
        config: ZRetrainConfig.parse(TINY),
        status: 'FAILED',
        error,
        finishedAt: new Date(),
      },
    });
    await prisma.trainingStep.createMany({
      data: RETRAIN_STEPS.map((name, position) => ({ runId: run.id, name, position })),
    });
    const flows = new FlowProducer({ connection: consoleSide.connection, prefix: prefix() });
    try {
      await flows.add(retrainFlow(run.id, { backoffMs: 100 }));
    } finally {
      await flows.close();
    }
    const snapshot = () =>
      prisma.trainingStep.findUniqueOrThrow({ where: { runId_name: { runId: run.id, name: 'snapshot' } } });
    await expect
      .poll(async () => (await snapshot()).status, { timeout: 30_000, interval: 100 })
      .toBe('SKIPPED');
    await trainer.tracker.idle();
    expect((await snapshot()).error).toBe(`stopped: the run was given up before it started (${error})`);
    // Still failed, never started; nothing ran after, nothing is left queued, nothing went to the dead letters.
    expect(await prisma.trainingRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'FAILED',
      error,
      startedAt: null,
    });
    await expect
      .poll(() => Job.fromId(consoleSide.queue, stepJobId(run.id, 'promote')), { timeout: 5_000 })
      .toBeUndefined();
    expect(await listDeadLetters({ connection: consoleSide.connection, prefix: prefix() })).toEqual([]);
    expect(await prisma.modelVersion.count({ where: { trainingRunId: run.id } })).toBe(0);
  });
});
