import { createTestRedis, type TestRedis, testServiceUrls } from '@acsa/db/testing';
import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../queues.ts';
import { attachDeadLetters } from './attach-dead-letters.ts';
import { listDeadLetters, replayDeadLetter } from './dead-letter-ops.ts';
import { maskingFailures } from './mask-failures.ts';

const NAME = 'acsa.test-jobs.v1';
let redis: TestRedis;
let deps: { connection: Redis; prefix: string };
let queue: Queue;
let dlq: Queue;
let worker: Worker;
let healthy = false;
const processed: string[] = [];

beforeAll(async () => {
  redis = await createTestRedis(testServiceUrls().redisUrl);
  deps = { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: `${redis.prefix}bull` };
  queue = new Queue(NAME, deps);
  dlq = new Queue(QUEUES.deadLetters, deps);
  worker = new Worker(
    NAME,
    maskingFailures(async (job) => {
      if (!healthy) throw new Error(`downstream unavailable for ${job.data.order}`);
      processed.push(job.data.order);
    }),
    deps,
  );
  attachDeadLetters(worker, dlq);
});
afterAll(async () => {
  await Promise.all([worker?.close(), queue?.close(), dlq?.close()]);
  deps?.connection.disconnect();
  await redis?.cleanup();
});

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await get();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

describe('dead letters', () => {
  it('keeps a job that exhausted its retries with error and payload, and replays it in place', async () => {
    await queue.add(
      'sync-order',
      { order: 'A-1' },
      { jobId: 'a1', attempts: 3, backoff: { type: 'fixed', delay: 10 } },
    );
    const letters = await until(
      () => listDeadLetters(deps),
      (l) => l.length === 1,
    );
    expect(letters[0]).toMatchObject({
      queue: NAME,
      jobId: 'a1',
      name: 'sync-order',
      data: { order: 'A-1' },
      error: 'downstream unavailable for A-1',
      attemptsMade: 3,
    });
    healthy = true;
    expect(await replayDeadLetter(deps, letters[0]!.id)).toEqual({
      how: 'retried',
      queue: NAME,
      jobId: 'a1',
    });
    await until(
      async () => processed,
      (p) => p.length === 1,
    );
    expect(processed).toEqual(['A-1']);
    expect(await listDeadLetters(deps)).toEqual([]);
    await expect(replayDeadLetter(deps, letters[0]!.id)).rejects.toThrow(/no dead letter/);
  });

  it('adds the payload again when the original job is gone', async () => {
    healthy = false;
    await queue.add('sync-order', { order: 'B-2' }, { jobId: 'b2', attempts: 1 });
    const [letter] = await until(
      () => listDeadLetters(deps),
      (l) => l.length === 1,
    );
    await (await Job.fromId(queue, 'b2'))!.remove();
    healthy = true;
    const replay = await replayDeadLetter(deps, letter!.id);
    expect(replay).toMatchObject({ how: 're-added', queue: NAME });
    await until(
      async () => processed,
      (p) => p.includes('B-2'),
    );
  });

  it('shows no contact details of payload or error, keeps none in the failure, and replays the payload as it was', async () => {
    healthy = false;
    const order = 'C-3 for jane.doe@example.org, +44 7700 900123';
    await queue.add('sync-order', { order }, { jobId: 'c3', attempts: 1 });
    const [letter] = await until(
      () => listDeadLetters(deps),
      (l) => l.length === 1,
    );
    expect(letter).toMatchObject({
      data: { order: 'C-3 for [email], [phone]' },
      error: 'downstream unavailable for C-3 for [email], [phone]',
    });
    expect(letter!.stack).toMatch(/^Error: downstream unavailable for C-3 for \[email\], \[phone\]/);
    const failed = await Job.fromId(queue, 'c3');
    expect(failed?.failedReason).toBe(letter!.error);
    expect(JSON.stringify(failed?.stacktrace)).not.toMatch(/jane\.doe|7700 900123/);
    const kept = await Job.fromId(dlq, letter!.id);
    expect(JSON.stringify([kept?.data.error, kept?.data.stack])).not.toMatch(/jane\.doe|7700/);
    healthy = true;
    await replayDeadLetter(deps, letter!.id);
    await until(
      async () => processed,
      (p) => p.includes(order),
    );
  });
});
