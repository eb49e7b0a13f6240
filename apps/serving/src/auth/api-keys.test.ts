import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase, tcpRelay, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAccess } from '../../../../prisma/seed/access.ts';

import { guardPool } from '../db/pg-breaker.ts';
import { createPool } from '../db/pool.ts';
import { createDb, type TDb } from '../db/sql.ts';
import { ApiKeyAuth } from './api-keys.ts';

const KEY = 'acsa_test_key_0123456789abcdefghij';
let db: TestDatabase;
let real: TDb;
/** The real database, with a count of the key lookups sent to it. */
let counted: TDb & { queries: number };

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  await seedAccess(db.prisma, { demoApiKey: KEY });
  real = createDb(createPool(db.url, 2));
  counted = {
    pool: real.pool,
    queries: 0,
    query(q) {
      // Lookups only: the "last used" write (an UPDATE, once a minute per key) is not one.
      if (q.strings.join('').trimStart().startsWith('SELECT')) counted.queries++;
      return real.query(q);
    },
  };
});
afterAll(async () => {
  await real?.pool.end();
  await db?.drop();
});

const randomKey = () => `Bearer sk_${randomBytes(24).toString('base64url')}`;
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? 'error',
  );

describe('API key lookups before authentication', () => {
  it('throttles one address sending unknown keys before any lookup; known keys and other addresses go on', async () => {
    const auth = new ApiKeyAuth(counted, { lookupsPerAddress: { burst: 5, refillMs: 60_000 } });
    expect(await outcome(auth.authenticate(`Bearer ${KEY}`, { scope: 'chat', client: '203.0.113.9' }))).toBe(
      'ok',
    );
    counted.queries = 0;
    const flood: string[] = [];
    for (let i = 0; i < 200; i++)
      flood.push(await outcome(auth.authenticate(randomKey(), { scope: 'chat', client: '198.51.100.7' })));
    expect(flood.slice(0, 5)).toEqual(Array(5).fill('UNAUTHENTICATED'));
    expect(new Set(flood.slice(5))).toEqual(new Set(['RATE_LIMITED']));
    expect(counted.queries).toBe(5);
    // The valid key, cached, is answered from that very address too, with no query.
    expect(await outcome(auth.authenticate(`Bearer ${KEY}`, { scope: 'chat', client: '198.51.100.7' }))).toBe(
      'ok',
    );
    expect(await outcome(auth.authenticate(randomKey(), { scope: 'chat', client: '192.0.2.1' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(counted.queries).toBe(6);
  });

  it('refuses early, held, what an address out of lookups sends, new keys and known-bad ones alike', async () => {
    const auth = new ApiKeyAuth(counted, { lookupsPerAddress: { burst: 2, refillMs: 60_000 } });
    const bad = randomKey();
    const from = '198.51.100.23';
    expect(auth.refuseEarly(bad, from)).toBeNull();
    expect(await outcome(auth.authenticate(bad, { scope: 'chat', client: from }))).toBe('UNAUTHENTICATED');
    // Known to be bad, the address still within its lookups: refused at once.
    expect(auth.refuseEarly(bad, from)).toMatchObject({ status: 401 });
    expect(auth.refuseEarly(bad, from)?.holdMs).toBeUndefined();
    await outcome(auth.authenticate(randomKey(), { scope: 'chat', client: from }));
    // Out of lookups: new keys get 429 and known-bad ones 401, both held.
    expect(auth.refuseEarly(randomKey(), from)).toMatchObject({ status: 429, holdMs: 500 });
    expect(auth.refuseEarly(bad, from)).toMatchObject({ status: 401, holdMs: 500 });
    // The valid key from that address, and another address, are not held.
    await outcome(auth.authenticate(`Bearer ${KEY}`, { scope: 'chat', client: '203.0.113.50' }));
    expect(auth.refuseEarly(`Bearer ${KEY}`, from)).toBeNull();
    expect(auth.refuseEarly(bad, '192.0.2.77')).toEqual(expect.not.objectContaining({ holdMs: 500 }));
  });

  it('keeps unknown keys from evicting known ones: a flood of them never costs the valid key a lookup', async () => {
    const auth = new ApiKeyAuth(counted, {
      lookupsPerAddress: { burst: 1e9, refillMs: 1 },
      maxConcurrentLookups: 1_000,
    });
    await auth.authenticate(`Bearer ${KEY}`, { scope: 'chat', client: '203.0.113.9' });
    // More unknown keys than the known-key cache holds (10,000), each from its own address.
    for (let i = 0; i < 12_000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          outcome(auth.authenticate(randomKey(), { scope: 'chat', client: `10.0.${i / 100}.${j}` })),
        ),
      );
    }
    counted.queries = 0;
    expect(await outcome(auth.authenticate(`Bearer ${KEY}`, { scope: 'chat', client: '203.0.113.9' }))).toBe(
      'ok',
    );
    expect(counted.queries).toBe(0);
  }, 60_000);

  it('shares one lookup among concurrent requests with the same uncached key', async () => {
    const auth = new ApiKeyAuth(counted);
    counted.queries = 0;
    const all = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcome(auth.authenticate(`Bearer ${KEY}`, { scope: 'chat', client: '203.0.113.9' })),
      ),
    );
    expect(all).toEqual(Array(20).fill('ok'));
    expect(counted.queries).toBe(1);
  });
});

describe('a key found valid, while PostgreSQL does not answer', () => {
  it('goes on being honoured at once, and its revocation takes effect once PostgreSQL answers again', async () => {
    const relay = await tcpRelay(db.url);
    const pool = createPool(relay.url(), 2);
    guardPool(pool);
    const auth = new ApiKeyAuth(createDb(pool), { cacheTtlMs: 300, retryLookupAfterMs: 200 });
    const call = async (key: string) => {
      const started = performance.now();
      const result = await outcome(auth.authenticate(key, { scope: 'chat', client: '203.0.113.50' }));
      return { result, ms: performance.now() - started };
    };
    try {
      expect((await call(`Bearer ${KEY}`)).result).toBe('ok');
      relay.silence();
      await new Promise((r) => setTimeout(r, 400));
      // More requests from one address than it has lookups (20), over several of the cache's lifetimes.
      const during: { result: string; ms: number }[] = [];
      for (const end = Date.now() + 1_500; Date.now() < end; ) {
        during.push(await call(`Bearer ${KEY}`));
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(during.length).toBeGreaterThan(40);
      expect(new Set(during.map((d) => d.result))).toEqual(new Set(['ok']));
      expect(Math.max(...during.map((d) => d.ms))).toBeLessThan(600);
      // A key never found valid is not let in meanwhile.
      expect((await call(randomKey())).result).toBe('UNAVAILABLE');

      // Revoked by the console meanwhile (written to the same database, which the console reaches).
      await db.prisma.apiKey.updateMany({ data: { revokedAt: new Date() } });
      relay.hear();
      let after = 'ok';
      for (const end = Date.now() + 8_000; after === 'ok' && Date.now() < end; ) {
        after = (await call(`Bearer ${KEY}`)).result;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(after).toBe('UNAUTHENTICATED');
    } finally {
      await pool.end().catch(() => undefined);
      await relay.close();
    }
  }, 30_000);
});
