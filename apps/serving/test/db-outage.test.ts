import { createLogger } from '@acsa/core/logger';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServingApp, type TServingApp } from '../src/app.ts';
import { createPool } from '../src/db/pool.ts';
import { loadEnv } from '../src/env.ts';
import { InteractionPublisher } from '../src/events/interaction-publisher.ts';
import { API_KEY, createTestShop, type TestShop, TOKEN_SECRET } from './harness.ts';
import { tcpRelay } from './tcp-relay.ts';

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
