import { createTestRedis, type TestRedis, testServiceUrls } from '@acsa/db/testing';
import { type Metrics, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../queues.ts';
import { WORKER_METRICS } from '../worker-metrics.ts';
import { queueCounts } from './queue-counts.ts';
import { minuteCounts } from './queue-throughput.ts';

const MIN = 60_000;
let redis: TestRedis;
let deps: { connection: Redis; prefix: string };

beforeAll(async () => {
  redis = await createTestRedis(testServiceUrls().redisUrl);
  deps = { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: `${redis.prefix}bull` };
});
afterAll(async () => {
  deps?.connection.disconnect();
  await redis?.cleanup();
});

describe('queue throughput', () => {
  it('shows what a worker finished in the last hour, per minute, and nothing an hour later', async () => {
    const name = QUEUES.retrainTriggers;
    const queue = new Queue(name, deps);
    let finished = 0;
    const worker = new Worker(
      name,
      async (job) => {
        if (job.name === 'bad') throw new UnrecoverableError('no label store');
        if (job.name === 'flaky' && job.attemptsMade === 0) throw new Error('try again');
      },
      { ...deps, concurrency: 4, ...WORKER_METRICS },
    );
    worker.on('completed', () => finished++);
    worker.on('failed', (job) => {
      if (job?.name === 'bad') finished++;
    });
    try {
      await queue.addBulk([
        ...Array.from({ length: 10 }, (_, i) => ({ name: 'label-check', data: { i } })),
        // A retry is not a failure: each flaky job counts once, as completed.
        ...['f1', 'f2'].map((id) => ({ name: 'flaky', data: { id }, opts: { attempts: 2 } })),
        ...['b1', 'b2', 'b3'].map((id) => ({ name: 'bad', data: { id }, opts: { attempts: 3 } })),
      ]);
      await expect.poll(() => finished, { timeout: 10_000 }).toBe(15);

      const now = Date.now();
      const row = (await queueCounts(deps, now)).find((q) => q.name === name);
      expect(row?.throughput).toMatchObject({
        completedTotal: 12,
        failedTotal: 3,
        completedPerMinute: 0.2,
        failedPerMinute: 0.05,
      });
      expect(row?.throughput.completed).toHaveLength(60);
      // Every job finished within the last minute or two (a run may straddle a minute's end).
      expect(row?.throughput.completed.slice(0, 58).every((n) => n === 0)).toBe(true);

      const anHourOn = (await queueCounts(deps, now + 61 * MIN)).find((q) => q.name === name);
      expect(anHourOn?.throughput).toMatchObject({
        completedTotal: 0,
        failedTotal: 0,
        completedPerMinute: 0,
      });
      const idle = (await queueCounts(deps, now)).find((q) => q.name === QUEUES.retrain);
      expect(idle?.throughput.completedTotal).toBe(0);
    } finally {
      await Promise.all([worker.close(), queue.close()]);
    }
  });

  it('counts the minute BullMQ has not written to its list yet, and places each list entry a minute apart', () => {
    const at = (minute: number) => minute * MIN + 12_345;
    const now = at(1000) + 20_000;
    // Last write at minute 990: 4 jobs since then (in minute 990), the list holds minutes 989, 988, 987.
    const m: Metrics = {
      meta: { count: 20, prevTS: at(990), prevCount: 16 },
      data: [5, 0, 7],
      count: 3,
    };
    const counts = minuteCounts(m, now);
    expect(counts).toHaveLength(60);
    // Index 59 is minute 1000 (now), so minute 990 is index 49.
    expect(counts.slice(46, 50)).toEqual([7, 0, 5, 4]);
    expect(counts.slice(50)).toEqual(Array(10).fill(0));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(16);
    // Nothing ever finished: no timestamp yet.
    expect(minuteCounts({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [], count: 0 }, now)).toEqual(
      Array(60).fill(0),
    );
    // Entries older than the window are left out.
    expect(minuteCounts(m, at(1048)).reduce((a, b) => a + b, 0)).toBe(4 + 5);
  });
});
