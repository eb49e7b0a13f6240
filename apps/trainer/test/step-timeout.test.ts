import { generateCorpus } from '@acsa/corpus';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { listDeadLetters } from '@acsa/pipelines/dead-letters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TTrainer } from '../src/trainer.ts';
import { insertDataset, sandboxPids, startTestTrainer, TINY, waitForRun } from './fixtures.ts';

// Long enough for the sandboxed process to start and training to get under way, so that the limit cuts
// a step that is working rather than one still starting.
const LIMIT_MS = 4_000;

let db: TestDatabase;
let redis: TestRedis;
let trainer: TTrainer;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  await insertDataset(db.prisma, 'bootstrap', generateCorpus({ seed: 1, perIntent: 20 }));
  trainer = await startTestTrainer(
    { prisma: db.prisma, redisUrl: redis.url, prefix: redis.prefix },
    { stepTimeoutsMs: { train: LIMIT_MS } },
  );
});
afterAll(async () => {
  await trainer?.close();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('a step past its time limit', () => {
  it('is killed, retried, and after its last attempt fails the run with the reason and a dead letter', async () => {
    const { prisma } = db;
    // Training that would run for hours: as far as the flow can tell, a hung step.
    const { runId } = await trainer.requestRetrain({
      trigger: 'MANUAL',
      config: { ...TINY, teacher: { epochs: 100_000, patience: 100_000 } },
    });
    const seen = new Set<number>();
    const watch = setInterval(() => {
      for (const pid of sandboxPids()) seen.add(pid);
    }, 500);
    const started = Date.now();
    const run = await waitForRun(prisma, runId, ['FAILED', 'SUCCEEDED', 'REJECTED'], 60_000).finally(() =>
      clearInterval(watch),
    );
    const elapsed = Date.now() - started;
    await trainer.tracker.idle();

    const reason = "timed out after 4 s (the train step's limit, STEP_TIMEOUTS_MS); its process was killed";
    expect(run).toMatchObject({ status: 'FAILED', error: `train: ${reason}` });
    // Three attempts, each cut at the limit: no sooner.
    expect(elapsed).toBeGreaterThanOrEqual(3 * LIMIT_MS);
    const train = await prisma.trainingStep.findUniqueOrThrow({
      where: { runId_name: { runId, name: 'train' } },
    });
    expect(train).toMatchObject({ status: 'FAILED', attempts: 3, error: reason });
    const logs = await prisma.trainingLog.findMany({
      where: { runId, step: 'train', level: { not: 'info' } },
    });
    expect(logs.map((l) => l.message).sort()).toEqual([
      `train failed after 3 attempts: ${reason}`,
      `train: attempt 1 failed (${reason}); retrying`,
      `train: attempt 2 failed (${reason}); retrying`,
    ]);
    const queues = { connection: trainer.redis, prefix: `${redis.prefix}bull` };
    expect(await listDeadLetters(queues)).toMatchObject([
      { name: 'train', data: { runId, step: 'train' }, error: reason, attemptsMade: 3 },
    ]);
    expect(await prisma.modelVersion.count()).toBe(0);

    // Each attempt ran in a process of its own, and none of them is left.
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(sandboxPids()).toEqual([]);
    for (const pid of seen) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});
