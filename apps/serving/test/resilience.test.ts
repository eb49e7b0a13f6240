import { createHash } from 'node:crypto';
import { createLogger } from '@acsa/core/logger';
import { QUEUES } from '@acsa/pipelines';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../src/db/pool.ts';
import { InteractionPublisher } from '../src/events/interaction-publisher.ts';
import { API_KEY, type Harness, startServing } from './harness.ts';
import { redisProxy } from './redis-proxy.ts';

const auth = { authorization: `Bearer ${API_KEY}` };

describe('hot swap', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServing({ bundleDir: inject('bootstrapBundle') });
  });
  afterAll(() => h?.close());

  it('swaps to a promoted version under load with no failed request, and refuses a corrupt one', async () => {
    const v2 = await h.register(inject('bootstrapBundle'), 'bootstrap-test-2');
    let stop = false;
    const statuses: number[] = [];
    const versions: string[] = [];
    const load = Array.from({ length: 8 }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        const res = await h.serving.app.inject({
          method: 'POST',
          url: '/v1/chat',
          headers: auth,
          payload: { sessionId: `swap-${worker}-${i}`, text: 'where is my order' },
        });
        statuses.push(res.statusCode);
        if (res.statusCode === 200) versions.push(res.json().modelVersion);
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    await h.promote(v2);
    await h.serving.registry.reconcile();
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(load);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(versions).toContain('bootstrap-test-1');
    expect(versions.at(-1)).toBe('bootstrap-test-2');

    // A version whose bytes do not match its checksum is never served; the working one stays.
    const bad = await h.db.prisma.modelVersion.findUniqueOrThrow({ where: { id: v2 } });
    const corrupt = await h.db.prisma.modelVersion.create({
      data: {
        ...bad,
        id: undefined,
        version: 'corrupt',
        sha256: createHash('sha256').update('other').digest('hex'),
        manifest: bad.manifest ?? {},
        metrics: bad.metrics ?? {},
      },
    });
    await h.promote(corrupt.id);
    await h.serving.registry.reconcile();
    const res = await h.serving.app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: auth,
      payload: { sessionId: 'after-corrupt', text: 'hello' },
    });
    expect([res.statusCode, res.json().modelVersion]).toEqual([200, 'bootstrap-test-2']);
  });
});

describe('Redis down', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServing({
      bundleDir: inject('bootstrapBundle'),
      env: { REDIS_URL: 'redis://127.0.0.1:1' },
    });
  });
  afterAll(() => h?.close());

  it('still answers, keeps the conversation state, and keeps every event to send later', async () => {
    const chat = async (text: string) => {
      const res = await h.serving.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers: auth,
        payload: { sessionId: 'no-redis', text },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect((await chat('where is my order?')).reply).toMatch(/order number/i);
    expect((await chat('10042')).reply).toMatch(/email/i);
    await h.serving.publisher.close();
    const pool = createPool(h.db.url, 2);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM "EventOutbox"');
    expect(rows[0].n).toBe(2);

    // Redis is back: the relay sends what the outbox kept, once.
    const connection = new Redis(h.redis.url, { maxRetriesPerRequest: null });
    await new Promise((r) => connection.once('ready', r));
    const relay = new InteractionPublisher({
      connection,
      pool,
      logger: createLogger({ name: 't', level: 'silent' }),
      prefix: `${h.redis.prefix}bull`,
    });
    expect(await relay.relay()).toBe(2);
    const queue = new Queue(QUEUES.interactions, { connection, prefix: `${h.redis.prefix}bull` });
    const sent = (await queue.getJobs(['waiting'])).flatMap((j) => j.data.events);
    expect(sent.map((e: { text: string }) => e.text).sort()).toEqual(['10042', 'where is my order?']);
    expect((await pool.query('SELECT count(*)::int AS n FROM "EventOutbox"')).rows[0].n).toBe(0);
    await relay.close();
    await queue.close();
    connection.disconnect();
    await pool.end();
  });
});

describe('Redis lost mid-conversation', () => {
  let h: Harness;
  let proxy: Awaited<ReturnType<typeof redisProxy>>;
  beforeAll(async () => {
    proxy = await redisProxy(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    h = await startServing({ bundleDir: inject('bootstrapBundle'), env: { REDIS_URL: proxy.url() } });
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  it('carries the conversation across the outage and after Redis is back, though Redis kept an older state', async () => {
    const chat = async (text: string) => {
      const res = await h.serving.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers: auth,
        payload: { sessionId: 'redis-blip', text },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    // Redis holds the state "awaiting the order number".
    expect((await chat('where is my order?')).reply).toMatch(/order number/i);
    await proxy.cut();
    // Only PostgreSQL learns that the order number was given.
    expect((await chat("it's 10042")).reply).toMatch(/email/i);
    const before = proxy.accepted();
    await proxy.restore();
    // Serving's connections to Redis are back (the rate limiter, the cache, the queue and the watcher's).
    await expect
      .poll(() => proxy.accepted() - before, { timeout: 10_000, interval: 50 })
      .toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 200));
    const third = await chat('alex.morgan@example.com');
    expect(third.reply).toContain('10042');
    expect(third.reply).toMatch(/estimated delivery/i);
  });
});
