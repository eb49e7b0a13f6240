import { AppError } from '@acsa/core/errors';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardPool } from './pg-breaker.ts';
import { createPool } from './pool.ts';

describe('the PostgreSQL breaker on a database that answers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(testServiceUrls().databaseUrl);
  });
  afterAll(() => db?.drop());

  it('refuses statements that wait too long for a busy pool with 503, without opening for everyone', async () => {
    const pool = createPool(db.url, 1, () => {}, { connectMs: 200, statementMs: 5_000, answerMs: 6_000 });
    const guard = guardPool(pool);
    const holding = pool.query('SELECT pg_sleep(1)');
    const waiting = await Promise.allSettled(Array.from({ length: 8 }, () => pool.query('SELECT 1')));
    await holding;
    expect(waiting.map((r) => r.status)).toEqual(Array(8).fill('rejected'));
    const reasons = waiting.map((r) => (r as PromiseRejectedResult).reason);
    expect(reasons.every((e) => e instanceof AppError && e.code === 'UNAVAILABLE')).toBe(true);
    expect((reasons[0] as Error).message).toBe('the shop database is busy; try again shortly');
    expect(guard.state).toBe('closed');
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('a statement cancelled for running too long is its own error, and does not open the breaker', async () => {
    const pool = createPool(db.url, 2, () => {}, { connectMs: 2_000, statementMs: 100, answerMs: 3_000 });
    const guard = guardPool(pool);
    for (let i = 0; i < 6; i++) {
      const e = await pool.query('SELECT pg_sleep(1)').catch((x: unknown) => x);
      expect(e).not.toBeInstanceOf(AppError);
      expect((e as { code?: string }).code).toBe('57014');
    }
    expect(guard.state).toBe('closed');
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
