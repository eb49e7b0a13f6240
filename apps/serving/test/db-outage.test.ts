import { createLogger } from '@acsa/core/logger';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  tcpRelay,
  testServiceUrls,
} from '@acsa/db/testing';
import { QUEUES } from '@acsa/pipelines';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServingApp, type TServingApp } from '../src/app.ts';
import { guardPool } from '../src/db/pg-breaker.ts';
import { createPool, PG_LIMITS } from '../src/db/pool.ts';
import { loadEnv } from '../src/env.ts';
import { InteractionPublisher } from '../src/events/interaction-publisher.ts';
import { API_KEY, createTestShop, type TestShop, TOKEN_SECRET } from './harness.ts';

const auth = { authorization: `Bearer ${API_KEY}` };

describe('PostgreSQL down', () => {
  let shop: TestShop;
  let proxy: Awaited<ReturnType<typeof tcpRelay>>;
  let serving: TServingApp;
  beforeAll(async () => {
    shop = await createTestShop({ bundleDir: inject('bootstrapBundle') });
    proxy = await tcpRelay(shop.db.url);
    const env = loadEnv({
      DATABASE_URL: proxy.url(),
      REDIS_URL: shop.redis.url,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      CUSTOMER_TOKEN_SECRET: TOKEN_SECRET,
      MODEL_POLL_MS: '500',
    });
    const logger = createLogger({ name: 'serving-test', level: 'silent' });
    serving = await createServingApp({ env, logger, redisPrefix: shop.redis.prefix });
  });
  afterAll(async () => {
    await serving?.close();
    await proxy?.close();
    await shop?.drop();
  });

  const turn = async (sessionId: string) => {
    const started = performance.now();
    const res = await serving.app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: auth,
      payload: { sessionId, text: 'where is my order?' },
    });
    return {
      status: res.statusCode,
      retryAfter: res.headers['retry-after'],
      ms: performance.now() - started,
    };
  };
  const metric = async (name: string) => {
    const body = await serving.metrics.render();
    return Number(body.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);
  };

  it('refuses turns at once with 503 and Retry-After, stops dialling it, and answers again once it is back', async () => {
    expect((await turn('before')).status).toBe(200);

    await proxy.cut();
    const during = [];
    for (let i = 0; i < 40; i++) during.push(await turn(`during-${i}`));
    expect(during.map((t) => t.status)).toEqual(during.map(() => 503));
    expect(during.every((t) => Number(t.retryAfter) >= 1)).toBe(true);
    expect(Math.max(...during.map((t) => t.ms))).toBeLessThan(250);
    expect(await metric('acsa_db_circuit_state')).toBe(1);
    expect(await metric('acsa_db_refused_total')).toBeGreaterThanOrEqual(40);

    // Open: refused without a connection attempt, but for one probe per half-open interval (1 s).
    const dialled = proxy.accepted();
    for (let i = 0; i < 20; i++) expect((await turn(`open-${i}`)).status).toBe(503);
    expect(proxy.accepted() - dialled).toBeLessThanOrEqual(1);

    await proxy.restore();
    const back = performance.now();
    let recovered = 0;
    for (let i = 0; !recovered; i++) {
      if ((await turn(`after-${i}`)).status === 200) recovered = performance.now() - back;
      else await new Promise((r) => setTimeout(r, 50));
      expect(performance.now() - back).toBeLessThan(5_000);
    }
    expect(await metric('acsa_db_circuit_state')).toBe(0);
    const after = [];
    for (let i = 0; i < 10; i++) after.push((await turn(`steady-${i}`)).status);
    expect(after).toEqual(after.map(() => 200));
    const stored = await shop.db.prisma.message.count({ where: { role: 'USER' } });
    expect(stored).toBe(1 + 1 + 10); // before, the first answered after recovery, steady; none of the refused
  });

  it('refuses turns within seconds when PostgreSQL goes silent (connections left open, nothing answered), and answers again after', async () => {
    expect((await turn('before-silence')).status).toBe(200);
    const storedBefore = await shop.db.prisma.message.count({ where: { role: 'USER' } });

    proxy.silence();
    const silencedAt = performance.now();
    // Ten conversations keep sending for 8 s. Without limits a turn would wait minutes (pg waits forever for
    // an answer); a turn still waiting after 10 s is recorded as status 0.
    const hung = { status: 0, retryAfter: undefined, ms: 10_000 };
    const conversations = await Promise.all(
      Array.from({ length: 10 }, async (_, c) => {
        const out: (Awaited<ReturnType<typeof turn>> & { sentAt: number })[] = [];
        for (let i = 0; performance.now() - silencedAt < 8_000; i++) {
          const sentAt = performance.now() - silencedAt;
          const t = await Promise.race([
            turn(`silent-${c}-${i}`),
            new Promise<typeof hung>((r) => setTimeout(r, 10_000, hung)),
          ]);
          out.push({ ...t, sentAt });
          await new Promise((r) => setTimeout(r, 100));
        }
        return out;
      }),
    );
    const during = conversations.flat();
    expect(during.filter((t) => t.status !== 503)).toEqual([]);
    expect(during.every((t) => Number(t.retryAfter) >= 1)).toBe(true);
    // The first statement waited the answer limit, then opened the breaker; from then on every turn is
    // refused at once, the breaker's own probes never holding one.
    const slowest = Math.max(...during.map((t) => t.ms));
    expect(slowest).toBeLessThan(PG_LIMITS.turn.answerMs + 1_000);
    const later = during.filter((t) => t.sentAt > PG_LIMITS.turn.answerMs + 500);
    expect(later.length).toBeGreaterThan(100);
    expect(later.filter((t) => t.ms > 100)).toEqual([]);
    expect(await metric('acsa_db_circuit_state')).toBeGreaterThan(0);

    proxy.hear();
    const back = performance.now();
    let recovered = false;
    for (let i = 0; !recovered; i++) {
      recovered = (await turn(`heard-${i}`)).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 50));
      expect(performance.now() - back).toBeLessThan(PG_LIMITS.turn.answerMs + 5_000);
    }
    const recoveredMs = performance.now() - back;
    const stored = await shop.db.prisma.message.count({ where: { role: 'USER' } });
    expect(stored - storedBefore).toBe(1); // the turn answered after; none of the refused
    console.log(
      `PostgreSQL silent 8 s: ${during.length} turns, all 503; slowest ${slowest.toFixed(0)} ms; ${later.length} sent after the first silent statement, slowest ${Math.max(...later.map((t) => t.ms)).toFixed(1)} ms; answering again ${recoveredMs.toFixed(0)} ms after it was heard`,
    );
  });
});

describe('PostgreSQL lost while the outbox relay holds a connection', () => {
  let shop: TestShop;
  let proxy: Awaited<ReturnType<typeof tcpRelay>>;
  beforeAll(async () => {
    shop = await createTestShop({ bundleDir: null });
    proxy = await tcpRelay(shop.db.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await shop?.drop();
  });

  it('gives up this round and keeps the process alive (the cut connection is not pooled again)', async () => {
    const pool = createPool(proxy.url(), 2);
    const connection = new Redis(shop.redis.url, { maxRetriesPerRequest: null });
    await new Promise((r) => connection.once('ready', r));
    const relay = new InteractionPublisher({
      connection,
      pool,
      logger: createLogger({ name: 't', level: 'silent' }),
      prefix: `${shop.redis.prefix}bull`,
    });
    // The cut lands while the relay holds its connection (checked out of the pool, in its transaction).
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    (pool as { connect: unknown }).connect = async () => {
      const client = await connect();
      setImmediate(() => void proxy.cut());
      return client;
    };
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      expect(await relay.relay()).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(pool.totalCount).toBe(0);
    await relay.close();
    connection.disconnect();
    await pool.end();
  });
});

describe('the outbox relay while PostgreSQL is away', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let proxy: Awaited<ReturnType<typeof tcpRelay>>;
  beforeAll(async () => {
    const urls = testServiceUrls();
    [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
    proxy = await tcpRelay(db.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await Promise.all([db?.drop(), redis?.cleanup()]);
  });

  // Long enough that no probe is due while a test looks at what a tick takes.
  const halfOpenAfterMs = 3_000;
  /** A relay on the turns' pool (its limits), behind its breaker, as app.ts wires them. */
  const relayBehindBreaker = async () => {
    const pool = createPool(proxy.url(), 2);
    const guard = guardPool(pool, { halfOpenAfterMs });
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    await new Promise((r) => connection.once('ready', r));
    const publisher = new InteractionPublisher({
      connection,
      pool,
      logger: createLogger({ name: 't', level: 'silent' }),
      prefix: `${redis.prefix}bull`,
    });
    const close = async () => {
      await publisher.close();
      connection.disconnect();
      await pool.end();
    };
    return { pool, guard, publisher, close };
  };
  const keep = (n: number) =>
    db.prisma.eventOutbox.createMany({
      data: Array.from({ length: n }, (_, i) => ({ queue: QUEUES.interactions, payload: { version: 2, i } })),
    });
  /** Relay ticks until the outbox is empty; the ticks also start the breaker's probe, no turn needed. */
  const drain = async (publisher: InteractionPublisher) => {
    const heard = performance.now();
    while ((await db.prisma.eventOutbox.count()) > 0) {
      await publisher.relay();
      expect(performance.now() - heard).toBeLessThan(halfOpenAfterMs + PG_LIMITS.turn.connectMs + 2_000);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('takes no connection while the breaker is open, and sends the outbox once PostgreSQL answers again', async () => {
    const { pool, guard, publisher, close } = await relayBehindBreaker();
    try {
      proxy.silence();
      // A turn's statement finds PostgreSQL silent and opens the breaker.
      await expect(pool.query('SELECT 1')).rejects.toThrow(/unavailable/);
      expect(guard.state).toBe('open');
      await keep(3);

      const idle = { total: pool.totalCount, waiting: pool.waitingCount };
      const dialled = proxy.accepted();
      const started = performance.now();
      for (let i = 0; i < 5; i++) {
        const tick = publisher.relay();
        expect({ total: pool.totalCount, waiting: pool.waitingCount }).toEqual(idle);
        expect(await tick).toBe(0);
      }
      expect(performance.now() - started).toBeLessThan(100);
      expect(proxy.accepted()).toBe(dialled);

      proxy.hear();
      await drain(publisher);
      expect(guard.state).toBe('closed');
      expect(publisher.published).toBe(3);
    } finally {
      proxy.hear();
      await close();
    }
  });

  it('opens the breaker itself when it finds PostgreSQL silent, so a process with no turns stops dialling it', async () => {
    const { guard, publisher, close } = await relayBehindBreaker();
    try {
      await keep(2);
      proxy.silence();
      expect(await publisher.relay()).toBe(0); // waits out the connect limit, once
      expect(guard.state).toBe('open');

      const dialled = proxy.accepted();
      const started = performance.now();
      expect(await publisher.relay()).toBe(0);
      expect(performance.now() - started).toBeLessThan(50);
      expect(proxy.accepted()).toBe(dialled);

      proxy.hear();
      await drain(publisher);
      expect(guard.state).toBe('closed');
      expect(publisher.published).toBe(2);
    } finally {
      proxy.hear();
      await close();
    }
  });
});
