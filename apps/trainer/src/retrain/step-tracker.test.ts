import { createLogger } from '@acsa/core/logger';
import { createPrisma } from '@acsa/db';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  tcpRelay,
  testServiceUrls,
} from '@acsa/db/testing';
import { QUEUES } from '@acsa/pipelines';
import { listDeadLetters } from '@acsa/pipelines/dead-letters';
import { createRetrainClient } from '@acsa/pipelines/retrain';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepTracker } from './step-tracker.ts';

let db: TestDatabase;
let redis: TestRedis;
let connection: Redis;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  connection?.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('a step failing for good while PostgreSQL is away', () => {
  it('is dead-lettered at once, and fails its run once PostgreSQL is back, logged once', async () => {
    const prefix = `${redis.prefix}bull`;
    const client = createRetrainClient({ prisma: db.prisma, connection, prefix });
    const { runId } = await client.request({ trigger: 'MANUAL' });
    // The tracker's own way to PostgreSQL, which goes away before the step fails.
    const relay = await tcpRelay(db.url);
    const prisma = createPrisma({ url: relay.url(), max: 2, connectTimeoutMs: 1_000 });
    const deadLetters = new Queue(QUEUES.deadLetters, { connection, prefix });
    const tracker = new StepTracker(prisma, deadLetters, createLogger({ name: 'test', level: 'silent' }), {
      recordRetry: { forMs: 20_000, delayMs: 100, maxDelayMs: 200 },
    });
    await relay.cut();
    const worker = new Worker<unknown, unknown>(
      QUEUES.retrain,
      async () => {
        throw new UnrecoverableError('disk full');
      },
      { connection, prefix },
    );
    tracker.attach(worker);
    try {
      // The dead letter needs only Redis: there while PostgreSQL is still away, and the run still active.
      await expect
        .poll(async () => (await listDeadLetters({ connection, prefix })).map((l) => [l.name, l.error]), {
          timeout: 10_000,
        })
        .toEqual([['snapshot', 'disk full']]);
      await new Promise((r) => setTimeout(r, 500));
      expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
        status: 'QUEUED',
      });

      await relay.restore();
      await tracker.idle();
      expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
        status: 'FAILED',
        error: 'snapshot: disk full',
      });
      const step = await db.prisma.trainingStep.findUniqueOrThrow({
        where: { runId_name: { runId, name: 'snapshot' } },
      });
      expect(step).toMatchObject({ status: 'FAILED', error: 'disk full' });
      const logs = await db.prisma.trainingLog.findMany({ where: { runId, level: 'error' } });
      expect(logs.map((l) => l.message)).toEqual([
        'snapshot failed without a retry (retrying cannot mend it): disk full',
      ]);
    } finally {
      await worker.close();
      await tracker.close();
      await Promise.all([deadLetters.close(), client.close(), prisma.$disconnect()]);
      await relay.close();
    }
  }, 30_000);
});
