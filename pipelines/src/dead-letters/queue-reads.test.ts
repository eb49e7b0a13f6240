import { createTestRedis, silentServer, type TestRedis, testServiceUrls } from '@acsa/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../queues.ts';
import { listDeadLetters } from './dead-letter-ops.ts';
import { queueCounts } from './queue-counts.ts';
import { QUEUE_READ_TIMEOUT_MS } from './queue-reads.ts';

let redis: TestRedis;
let silent: Awaited<ReturnType<typeof silentServer>>;
beforeAll(async () => {
  [redis, silent] = await Promise.all([createTestRedis(testServiceUrls().redisUrl), silentServer()]);
});
afterAll(async () => {
  await Promise.all([redis?.cleanup(), silent?.close()]);
});

const until = async (check: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('reading the queues for people', () => {
  it.each([
    ['the counts', (deps: Parameters<typeof queueCounts>[0]) => queueCounts(deps)],
    ['the dead letters', (deps: Parameters<typeof queueCounts>[0]) => listDeadLetters(deps)],
  ])(
    'says where Redis gave no answer when it is silent, in bounded time, and leaves no connection open (%s)',
    async (_, read) => {
      const started = Date.now();
      const outcome = await read({
        connection: {
          url: `redis://:hunter2@127.0.0.1:${silent.port}`,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
        },
        prefix: 'acsa:bull',
      }).then(
        () => 'answered',
        (e: Error) => e.message,
      );
      const tookMs = Date.now() - started;
      expect(outcome).toBe(`Redis at 127.0.0.1:${silent.port} did not answer within 3 s`);
      expect(tookMs).toBeGreaterThanOrEqual(QUEUE_READ_TIMEOUT_MS - 50);
      expect(tookMs).toBeLessThan(QUEUE_READ_TIMEOUT_MS + 1_500);
      expect(await until(() => silent.open() === 0, 2_000)).toBe(true);
    },
    10_000,
  );

  it('closes its connection after a read that Redis answered', async () => {
    const admin = new Redis(redis.url);
    const clients = async () =>
      String(await admin.call('CLIENT', 'LIST'))
        .trim()
        .split('\n').length;
    const before = await clients();
    const counts = await queueCounts({ connection: { url: redis.url }, prefix: `${redis.prefix}bull` });
    expect(counts.find((c) => c.name === QUEUES.deadLetters)?.counts.waiting).toBe(0);
    let now = await clients();
    for (const end = Date.now() + 1_000; now !== before && Date.now() < end; now = await clients())
      await new Promise((r) => setTimeout(r, 20));
    expect(now).toBe(before);
    admin.disconnect();
  });
});
