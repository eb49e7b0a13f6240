import { createHash } from 'node:crypto';
import { createLogger } from '@acsa/core/logger';
import { tcpRelay, testServiceUrls } from '@acsa/db/testing';
import { QUEUES } from '@acsa/pipelines';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../src/db/pool.ts';
import { InteractionPublisher } from '../src/events/interaction-publisher.ts';
import { API_KEY, type Harness, startServing, storefront } from './harness.ts';

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
    const shop = storefront(h.serving);
    const chat = (text: string) => shop.chat('no-redis', text);
    expect((await chat('where is my order?')).reply).toMatch(/order number/i);
    expect((await chat('10042')).reply).toMatch(/email/i);
    await h.serving.publisher.close();
    const pool = createPool(h.db.url, 2);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM "EventOutbox"');
    expect(rows[0].n).toBe(2);

    // A row spilled by a replica of before version 2, with the customer's text in it.
    const [legacy] = (await pool.query('SELECT payload FROM "EventOutbox" LIMIT 1')).rows;
    await pool.query(`INSERT INTO "EventOutbox" (queue, payload) VALUES ($1, $2)`, [
      QUEUES.interactions,
      { ...legacy.payload, version: 1, text: 'call me on 07700 900123' },
    ]);

    // Redis is back: the relay sends what the outbox kept, once, and no text reaches Redis.
    const connection = new Redis(h.redis.url, { maxRetriesPerRequest: null });
    await new Promise((r) => connection.once('ready', r));
    const relay = new InteractionPublisher({
      connection,
      pool,
      logger: createLogger({ name: 't', level: 'silent' }),
      prefix: `${h.redis.prefix}bull`,
    });
    expect(await relay.relay()).toBe(3);
    const queue = new Queue(QUEUES.interactions, { connection, prefix: `${h.redis.prefix}bull` });
    const sent = (await queue.getJobs(['waiting'])).flatMap((j) => j.data.events);
    const users = await h.db.prisma.message.findMany({
      where: { role: 'USER' },
      orderBy: { createdAt: 'asc' },
    });
    expect(users.map((m) => m.text)).toEqual(['where is my order?', '10042']);
    expect(sent.map((e: { messageId: string }) => e.messageId).sort()).toEqual(
      [...users.map((m) => m.id), legacy.payload.messageId].sort(),
    );
    expect(sent.every((e: object) => !('text' in e) && (e as { version: number }).version === 2)).toBe(true);
    expect((await pool.query('SELECT count(*)::int AS n FROM "EventOutbox"')).rows[0].n).toBe(0);
    await relay.close();
    await queue.close();
    connection.disconnect();
    await pool.end();
  });
});

describe('Redis lost mid-conversation', () => {
  let h: Harness;
  let proxy: Awaited<ReturnType<typeof tcpRelay>>;
  beforeAll(async () => {
    proxy = await tcpRelay(testServiceUrls().redisUrl);
    h = await startServing({ bundleDir: inject('bootstrapBundle'), env: { REDIS_URL: proxy.url() } });
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  it('carries the conversation across the outage and after Redis is back, though Redis kept an older state', async () => {
    const shop = storefront(h.serving);
    const chat = (text: string) => shop.chat('redis-blip', text);
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

describe('Redis gone silent', () => {
  let h: Harness;
  let relay: Awaited<ReturnType<typeof tcpRelay>>;
  beforeAll(async () => {
    relay = await tcpRelay(testServiceUrls().redisUrl);
    h = await startServing({ bundleDir: inject('bootstrapBundle'), env: { REDIS_URL: relay.url() } });
  });
  afterAll(async () => {
    relay?.hear();
    await h?.close();
    await relay?.close();
  });

  it('costs a second, not a second a turn: turns go on without Redis at once, and use it again when it answers', async () => {
    const turn = async (sessionId: string, text = 'where is my order?') => {
      const started = performance.now();
      const res = await h.serving.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers: auth,
        payload: { sessionId, text },
      });
      return { status: res.statusCode, ms: performance.now() - started, reply: res.json().reply as string };
    };
    // Each turn of a new session adds a rate-limit counter in Redis, when it reaches Redis.
    const direct = new Redis(h.redis.url);
    const counters = async () => (await direct.keys(`${h.redis.prefix}rl:*`)).length;
    expect((await turn('before')).status).toBe(200);
    const countedBefore = await counters();
    expect(countedBefore).toBeGreaterThan(0);

    relay.silence();
    const first = await turn('silent-0');
    const rest = [];
    for (let i = 1; i < 20; i++) rest.push(await turn(`silent-${i}`));
    // Before: every one of these took 1 s (two command timeouts a turn).
    expect([first, ...rest].map((t) => t.status)).toEqual(Array(20).fill(200));
    expect(first.ms).toBeLessThan(1_500);
    expect(Math.max(...rest.map((t) => t.ms))).toBeLessThan(200);
    // A conversation still carries its state through the outage.
    const shop = storefront(h.serving);
    expect((await shop.chat('silent-convo', 'where is my order?')).reply).toMatch(/order number/i);
    const second = performance.now();
    expect((await shop.chat('silent-convo', '10042')).reply).toMatch(/email/i);
    expect(performance.now() - second).toBeLessThan(200);
    expect(await counters()).toBe(countedBefore);
    // Their events are kept in PostgreSQL's outbox, not in memory behind a send that never ends.
    const turnsWhileSilent = 20 + 2;
    await expect
      .poll(() => h.serving.publisher.spilled, { timeout: 5_000 })
      .toBeGreaterThanOrEqual(turnsWhileSilent);

    relay.hear();
    await expect
      .poll(
        async () => {
          await turn(`heard-${performance.now()}`);
          return counters();
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBeGreaterThan(countedBefore);
    direct.disconnect();
  });
});

describe('Redis gone silent at shutdown', () => {
  it('still shuts down within seconds, its last events in the outbox', async () => {
    const relay = await tcpRelay(testServiceUrls().redisUrl);
    const h = await startServing({ bundleDir: inject('bootstrapBundle'), env: { REDIS_URL: relay.url() } });
    try {
      await storefront(h.serving).chat('before', 'where is my order?');
      relay.silence();
      await storefront(h.serving).chat('silent', 'where is my order?');
      const started = performance.now();
      // Before: close() waited until Redis answered again, forever in a blackhole.
      const closed = await Promise.race([
        h.serving.close().then(() => true),
        new Promise<false>((r) => setTimeout(r, 15_000, false)),
      ]);
      expect(closed).toBe(true);
      expect(performance.now() - started).toBeLessThan(6_000);
      expect(h.serving.publisher.spilled).toBeGreaterThanOrEqual(1);
      expect(await h.db.prisma.eventOutbox.count()).toBeGreaterThanOrEqual(1);
    } finally {
      relay.hear();
      await h.close().catch(() => undefined);
      await relay.close();
    }
  }, 60_000);
});
