import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export type TestRedis = {
  /** Every key this test file writes starts with it; pass it as BullMQ's `prefix` too. */
  prefix: string;
  url: string;
  /** A client whose commands are namespaced by `prefix` (ioredis `keyPrefix`). */
  redis: Redis;
  /** Deletes the namespace's keys and disconnects. */
  cleanup(): Promise<void>;
};

/**
 * A Redis namespace of its own for one test file. Redis has no cheap per-test databases (16 numbered
 * ones at most), so isolation is by key prefix, and cleanup deletes exactly that prefix.
 */
export async function createTestRedis(url: string): Promise<TestRedis> {
  const prefix = `acsa-test:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(url, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    prefix,
    url,
    redis,
    async cleanup() {
      // SCAN patterns are not prefixed by ioredis; keys it returns are full names, so delete unprefixed.
      const raw = new Redis(url, { lazyConnect: true });
      await raw.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          if (keys.length) await raw.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        redis.disconnect();
      }
    },
  };
}
