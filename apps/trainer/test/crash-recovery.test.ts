import { generateCorpus } from '@acsa/corpus';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { listDeadLetters, replayDeadLetter } from '@acsa/pipelines/dead-letters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TTrainer } from '../src/trainer.ts';
import {
  expectOneVersionAfterRetry,
  insertDataset,
  sandboxPids,
  startTestTrainer,
  TINY,
  trainingUnderWay,
  waitForRun,
} from './fixtures.ts';

let db: TestDatabase;
let redis: TestRedis;
let trainer: TTrainer;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  await insertDataset(db.prisma, 'bootstrap', generateCorpus({ seed: 1, perIntent: 20 }));
  trainer = await startTestTrainer({ prisma: db.prisma, redisUrl: redis.url, prefix: redis.prefix });
});
afterAll(async () => {
  await trainer?.close();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('a failing retraining run', () => {
  it('retries a training step killed mid-run and completes with exactly one new version', async () => {
    const { prisma } = db;
    const { runId } = await trainer.requestRetrain({ trigger: 'MANUAL', config: TINY });
    await trainingUnderWay(prisma, runId);
    const pids = sandboxPids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');

    const logs = await expectOneVersionAfterRetry(prisma, runId, 0);
    expect(logs.join('\n')).toMatch(/train: attempt 1 failed \(.*SIGKILL.*\); retrying/);
  });

  it('fails a run naming a dataset that does not exist at once, without retries; a replay resumes it', async () => {
    const { prisma } = db;
    const queues = { connection: trainer.redis, prefix: `${redis.prefix}bull` };
    const { runId } = await trainer.requestRetrain({
      trigger: 'MANUAL',
      config: { ...TINY, datasets: ['arrives-later'] },
    });
    const failed = await waitForRun(prisma, runId, ['FAILED', 'SUCCEEDED']);
    expect(failed.error).toBe('snapshot: no dataset named arrives-later');
    await trainer.tracker.idle();
    const snapshot = await prisma.trainingStep.findUniqueOrThrow({
      where: { runId_name: { runId, name: 'snapshot' } },
    });
    expect(snapshot).toMatchObject({ status: 'FAILED', attempts: 1 });
    const logs = await prisma.trainingLog.findMany({
      where: { runId, step: 'snapshot' },
      orderBy: { id: 'asc' },
    });
    expect(logs.map((l) => l.message)).toEqual([
      'snapshot started (attempt 1 of 5)',
      'snapshot failed without a retry (retrying cannot mend it): no dataset named arrives-later',
    ]);
    // Dead-lettered all the same, so that a replay once the dataset exists resumes the run.
    const letters = await listDeadLetters(queues);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      name: 'snapshot',
      data: { v: 1, runId, step: 'snapshot' },
      error: 'no dataset named arrives-later',
      attemptsMade: 1,
    });

    await insertDataset(prisma, 'arrives-later', generateCorpus({ seed: 3, perIntent: 20 }));
    expect(await replayDeadLetter(queues, letters[0]!.id)).toMatchObject({ how: 'retried' });
    const done = await waitForRun(prisma, runId, ['SUCCEEDED', 'REJECTED']);
    expect(done.status).toBe('SUCCEEDED');
    expect(await prisma.modelVersion.count({ where: { trainingRunId: runId } })).toBe(1);
    expect(await listDeadLetters(queues)).toEqual([]);
  });
});
