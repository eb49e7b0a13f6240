import { createTestRedis, type TestRedis, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

let cache: TestRedis;
beforeAll(async () => {
  cache = await createTestRedis(testServiceUrls().redisUrl);
});
afterAll(() => cache?.cleanup());

const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => v ?? 'ok',
    (e: { code?: string }) => e.code ?? 'error',
  );

describe('RateLimiter in Redis', () => {
  it('counts requests sent at once exactly, in one round trip or several', async () => {
    const limiter = new RateLimiter(cache.redis, {
      perSessionPerMinute: 3,
      perKeyPerMinute: 100,
      perAddressPerMinute: 100,
    });
    const now = Date.UTC(2026, 11, 6, 12, 0, 10);
    // Seven at once from one session: the first three pass, the rest are refused; another session goes on.
    const got = await Promise.all([
      ...Array.from({ length: 7 }, () => outcome(limiter.check('key-a', 'session-1', { now }))),
      outcome(limiter.check('key-a', 'session-2', { now })),
    ]);
    expect(got.filter((g) => g === 'RATE_LIMITED')).toHaveLength(4);
    expect(got.at(-1)).toBe('ok');
    // Shared with every replica: a second limiter on the same Redis sees the same count.
    const other = new RateLimiter(cache.redis, {
      perSessionPerMinute: 3,
      perKeyPerMinute: 100,
      perAddressPerMinute: 100,
    });
    expect(await outcome(other.check('key-a', 'session-2', { now }))).toBe('ok');
    expect(await cache.redis.get(`acsa:rl:s:key-a:session-2:${Math.floor(now / 60_000)}`)).toBe('2');
  });

  it('counts a request refused before it names a session against its key and address only', async () => {
    const limiter = new RateLimiter(cache.redis, {
      perSessionPerMinute: 1,
      perKeyPerMinute: 3,
      perAddressPerMinute: 2,
    });
    const now = Date.UTC(2026, 11, 6, 12, 1, 10);
    const window = Math.floor(now / 60_000);
    expect(await outcome(limiter.check('key-r', undefined, { now, address: '192.0.2.8' }))).toBe('ok');
    expect(await outcome(limiter.check('key-r', undefined, { now, address: '192.0.2.8' }))).toBe('ok');
    // The address is spent, the key not yet; no session was counted.
    expect(await outcome(limiter.check('key-r', undefined, { now, address: '192.0.2.8' }))).toBe(
      'RATE_LIMITED',
    );
    expect(await cache.redis.keys(`acsa:rl:s:key-r:*`)).toEqual([]);
    expect(await cache.redis.get(`acsa:rl:k:key-r:${window}`)).toBe('3');
    expect(await outcome(limiter.check('key-r', 'session-1', { now }))).toBe('RATE_LIMITED');
  });

  it.each([
    ['in Redis', () => cache.redis],
    ['per process', () => null],
  ])(
    'names the limit a request passed when it counts against its key, address and session at once (%s)',
    async (_, redis) => {
      const limiter = new RateLimiter(redis(), {
        perSessionPerMinute: 1,
        perKeyPerMinute: 4,
        perAddressPerMinute: 2,
      });
      const now = Date.UTC(2026, 11, 6, 12, 2, 10);
      const key = `key-p-${redis() ? 'redis' : 'local'}`;
      const refusal = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e: { message: string; field?: string }) => `${e.message}${e.field ? ` (${e.field})` : ''}`,
        );
      const from = { now, address: '192.0.2.9' };
      // Counts after each: key 1, address 1, session s1 1.
      expect(await refusal(limiter.check(key, 's1', from))).toBe('ok');
      // Key 2, address 2, s1 2: only the session is past its limit.
      expect(await refusal(limiter.check(key, 's1', from))).toBe(
        "this session's limit of 1 messages a minute is reached (sessionId)",
      );
      // Key 3, address 3, s2 1: only the address is.
      expect(await refusal(limiter.check(key, 's2', from))).toBe(
        "this address's limit of 2 messages a minute is reached",
      );
      // Key 4 and s3 1 without an address, then key 5.
      expect(await refusal(limiter.check(key, 's3', { now }))).toBe('ok');
      expect(await refusal(limiter.check(key, 's4', { now }))).toBe(
        "this API key's limit of 4 requests a minute is reached",
      );
    },
  );

  it('brings back each request’s read key in the same round trip, null when absent', async () => {
    const limiter = new RateLimiter(cache.redis, {
      perSessionPerMinute: 10,
      perKeyPerMinute: 100,
      perAddressPerMinute: 100,
    });
    await cache.redis.set('state:one', '{"turn":1}');
    const [one, none, unread] = await Promise.all([
      limiter.check('key-b', 's1', { read: 'state:one' }),
      limiter.check('key-b', 's2', { read: 'state:none' }),
      limiter.check('key-b', 's3'),
    ]);
    expect([one, none, unread]).toEqual(['{"turn":1}', null, undefined]);
  });

  it('keeps a per-process count when Redis is not there', async () => {
    const limiter = new RateLimiter(null, {
      perSessionPerMinute: 2,
      perKeyPerMinute: 100,
      perAddressPerMinute: 100,
    });
    const got = await Promise.all(Array.from({ length: 3 }, () => outcome(limiter.check('k', 's'))));
    expect(got).toEqual(['ok', 'ok', 'RATE_LIMITED']);
  });
});
