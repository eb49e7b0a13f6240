import { AppError } from '@acsa/core/errors';
import {
  createTestDatabase,
  rejectionOf,
  type TestDatabase,
  tcpRelay,
  testServiceUrls,
} from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPoolFailure, guardPool, poolMark } from './pg-breaker.ts';
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

describe('the PostgreSQL breaker when PostgreSQL goes silent and comes back', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(testServiceUrls().databaseUrl);
  });
  afterAll(() => db?.drop());

  it('a statement sent before the outage and timing out after recovery does not refuse turns again', async () => {
    const relay = await tcpRelay(db.url);
    const answerMs = 1_500;
    const pool = createPool(relay.url(), 4, () => {}, { connectMs: 500, statementMs: 1_000, answerMs });
    const states: string[] = [];
    const guard = guardPool(pool, { halfOpenAfterMs: 200, onStateChange: (s) => states.push(s) });
    // Two connections open, so both statements below are sent on connections that went silent.
    await Promise.all([pool.query('SELECT pg_sleep(0.05)'), pool.query('SELECT pg_sleep(0.05)')]);
    // As the outbox relay's work on a client of its own begins.
    const relayBegan = poolMark(pool);
    relay.silence();
    const first = rejectionOf(pool.query('SELECT 1'));
    await new Promise((r) => setTimeout(r, 700));
    const second = rejectionOf(pool.query('SELECT 1'));
    // The first gets no answer: the breaker opens at once.
    expect((await first).message).toBe('the shop database is unavailable; try again shortly');
    expect(guard.state).toBe('open');
    // PostgreSQL is heard again on new connections (the silent ones stay silent, as after a failover).
    relay.hear({ cut: false });
    await new Promise((r) => setTimeout(r, 250));
    let settled = false;
    void second.then(() => {
      settled = true;
    });
    // A statement while open starts the probe, which finds PostgreSQL back and closes the circuit.
    await pool.query('SELECT 1').catch(() => undefined);
    await expect.poll(() => guard.state, { timeout: 2_000, interval: 20 }).toBe('closed');
    expect(settled).toBe(false);
    // The second statement's answer never comes: its caller gets a 503 ...
    const late = await second;
    expect(late).toBeInstanceOf(AppError);
    expect((late as AppError).code).toBe('UNAVAILABLE');
    // ... and the breaker, closed since, stays closed: the next turn's statement runs.
    expect(guard.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // Work on a checked-out client is judged the same way: begun before the outage, its late silence is not
    // counted; begun now, it opens the breaker.
    const silence = new Error('Query read timeout');
    await countPoolFailure(pool, silence, relayBegan);
    expect(guard.state).toBe('closed');
    await countPoolFailure(pool, silence, poolMark(pool));
    expect(guard.state).toBe('open');
    await pool.end();
    await relay.close();
  });
});
