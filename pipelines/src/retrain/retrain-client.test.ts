import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../queues.ts';
import { auditedRequest } from '../runs/audited-request.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { createRetrainClient, type TRetrainClient } from './retrain-client.ts';
import { FAILURE_RECORDING_MS } from './steps.ts';

let db: TestDatabase;
let redis: TestRedis;
let client: TRetrainClient;
let queue: Queue;
let connection: Redis;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  client = createRetrainClient({ prisma: db.prisma, connection, prefix: `${redis.prefix}bull` });
  queue = new Queue(QUEUES.retrain, { connection, prefix: `${redis.prefix}bull` });
});
afterAll(async () => {
  await Promise.all([client?.close(), queue?.close()]);
  connection?.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('retrain requests', () => {
  it('starts one run for simultaneous triggers and hands the others that run', async () => {
    const results = await Promise.all(
      (['MANUAL', 'LABELS', 'DRIFT', 'SCHEDULE', 'LABELS'] as const).map((trigger) =>
        client.request({ trigger, config: { mode: 'experiment', preset: 'small' } }),
      ),
    );
    expect(results.filter((r) => r.started)).toHaveLength(1);
    const runId = results.find((r) => r.started)!.runId;
    expect(new Set(results.map((r) => r.runId))).toEqual(new Set([runId]));
    expect(results.filter((r) => !r.started).map((r) => r.message)[0]).toMatch(
      /already queued; no second run/,
    );
    const run = await db.prisma.trainingRun.findUniqueOrThrow({
      where: { id: runId },
      include: { steps: true },
    });
    expect(run).toMatchObject({ status: 'QUEUED', mode: 'EXPERIMENT' });
    expect(run.config).toMatchObject({
      mode: 'experiment',
      preset: 'small',
      experimentWeight: 0.5,
      gate: {},
    });
    expect(run.steps.sort((a, b) => a.position - b.position).map((s) => [s.name, s.status])).toEqual(
      ['snapshot', 'train', 'evaluate', 'gate', 'register', 'promote'].map((n) => [n, 'PENDING']),
    );
    expect(
      await db.prisma.trainingLog.count({ where: { runId, message: { contains: 'no second run' } } }),
    ).toBe(4);
    // The flow: the first step waits for a worker, the last waits for its children.
    expect(await (await Job.fromId(queue, `${runId}-snapshot`))?.getState()).toBe('waiting');
    expect(await (await Job.fromId(queue, `${runId}-promote`))?.getState()).toBe('waiting-children');
  });

  it('replaces an active run whose jobs are gone from Redis, and refuses an invalid configuration', async () => {
    const stale = await db.prisma.trainingRun.findFirstOrThrow({ where: { status: 'QUEUED' } });
    // As if Redis had been flushed: every key of this namespace's queues is gone.
    const keys = await connection.keys(`${redis.prefix}bull:*`);
    if (keys.length) await connection.del(...keys);
    await db.prisma.trainingRun.update({
      where: { id: stale.id },
      data: { createdAt: new Date(Date.now() - 3_600_000) },
    });
    const eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
    const next = await client.request(
      { trigger: 'MANUAL', reason: 'console: direct, small' },
      { record: auditedRequest(eli, 'retrain.request', {}) },
    );
    expect(next.started, next.message).toBe(true);
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({
      status: 'FAILED',
      error: 'its jobs are gone from the queue',
    });
    // The failed run's log and the audit log say who failed it, and why.
    expect(
      (await db.prisma.trainingLog.findMany({ where: { runId: stale.id, level: 'error' } })).map(
        (l) => l.message,
      ),
    ).toEqual([
      'failed: its jobs are gone from the queue; found by a manual request (console: direct, small), which starts a run of its own',
    ]);
    const entries = await db.prisma.auditLog.findMany({
      where: { actorId: eli.id, action: 'retrain.request' },
      orderBy: { id: 'asc' },
    });
    expect(entries.map((e) => [e.targetId, (e.data as { after: { status: string } }).after.status])).toEqual([
      [stale.id, 'FAILED'],
      [next.runId, 'QUEUED'],
    ]);
    await expect(
      client.request({ trigger: 'MANUAL', config: { mode: 'sideways' as 'direct' } }),
    ).rejects.toThrow(/mode/);
  });

  it('fails a run whose step failed for good unrecorded, with its dead letter, and leaves one that can still end', async () => {
    const prefix = `${redis.prefix}bull`;
    const active = await db.prisma.trainingRun.findFirstOrThrow({ where: { status: 'QUEUED' } });
    await db.prisma.trainingRun.update({
      where: { id: active.id },
      data: { createdAt: new Date(Date.now() - 3_600_000) },
    });
    // Its steps wait in the queue: it can still end.
    expect(await client.failStuck()).toBeNull();

    // Its first step fails for good, and nothing records it (PostgreSQL away, the trainer killed).
    const worker = new Worker<unknown, unknown>(
      QUEUES.retrain,
      async () => {
        throw new UnrecoverableError('disk full');
      },
      { connection, prefix },
    );
    const snapshot = `${active.id}-snapshot`;
    await expect
      .poll(async () => (await Job.fromId(queue, snapshot))?.getState(), { timeout: 10_000 })
      .toBe('failed');
    await worker.close();
    // Just failed: the trainer that saw it may still be recording it.
    expect(await client.failStuck()).toBeNull();
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: active.id } })).toMatchObject({
      status: 'QUEUED',
    });

    // Past the time its trainer keeps trying to record it, still unrecorded (that trainer died).
    await connection.hset(
      `${prefix}:${QUEUES.retrain}:${snapshot}`,
      'finishedOn',
      Date.now() - FAILURE_RECORDING_MS - 120_000,
    );
    const why = 'its snapshot step failed (disk full) and that was never recorded';
    expect(await client.failStuck()).toEqual({ runId: active.id, why });
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: active.id } })).toMatchObject({
      status: 'FAILED',
      error: why,
    });
    // Its step closed as the trainer would have closed it.
    expect(
      await db.prisma.trainingStep.findUniqueOrThrow({
        where: { runId_name: { runId: active.id, name: 'snapshot' } },
      }),
    ).toMatchObject({ status: 'FAILED', error: 'disk full' });
    expect(
      (await db.prisma.trainingLog.findMany({ where: { runId: active.id, level: 'error' } })).map(
        (l) => l.message,
      ),
    ).toEqual([`failed: ${why}; found by the trainer's check of the active run`]);
    // The step's dead letter, as the trainer would have sent it, so it can be replayed.
    const letters = new Queue(QUEUES.deadLetters, { connection, prefix });
    try {
      const sent = await letters.getJobs(['waiting', 'delayed']);
      expect(sent.map((j) => [j.data.jobId, j.data.error])).toEqual([[snapshot, 'disk full']]);
    } finally {
      await letters.close();
    }
    // Nothing more to do, and the next request starts a run.
    expect(await client.failStuck()).toBeNull();
    expect((await client.request({ trigger: 'MANUAL' })).started).toBe(true);
  });
});
