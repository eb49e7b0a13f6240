import { createServer, type Server } from 'node:net';
import type { PrismaClient } from '@acsa/db';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoShop } from '../../../../prisma/seed/seed.ts';
import { createPool } from '../db/pool.ts';
import { createKnowledge } from './create-knowledge.ts';
import type { TKnowledge } from './types.ts';

const NOW = new Date('2026-11-20T00:00:00Z');

describe('knowledge', () => {
  let db: TestDatabase;
  let cache: TestRedis;
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let knowledge: TKnowledge;
  const opened: Redis[] = [];

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServiceUrls();
    [db, cache] = await Promise.all([createTestDatabase(databaseUrl), createTestRedis(redisUrl)]);
    prisma = db.prisma;
    pool = createPool(db.url, 4);
    await seedDemoShop(prisma, { seed: 42, now: NOW, customers: 300, orders: 1000 });
    knowledge = createKnowledge({ pool, redis: cache.redis });
  }, 60_000);
  afterAll(async () => {
    for (const r of opened) r.disconnect();
    await cache?.cleanup();
    await pool?.end();
    await db?.drop();
  });

  it('reads an order with items, its latest shipment and scans, refunds and invoice in one query', async () => {
    const before = knowledge.stats().dbQueries;
    const o = await knowledge.orderByNumber(10042);
    expect(knowledge.stats().dbQueries - before).toBe(1);
    expect(o).toMatchObject({
      number: 10042,
      status: 'SHIPPED',
      email: 'alex.morgan@example.com',
      currency: 'USD',
    });
    expect(o!.items[0]?.name).toBeTruthy();
    expect(o!.shipment).toMatchObject({
      carrier: 'UPS',
      trackingNumber: '1Z0148360370768600',
      status: 'IN_TRANSIT',
    });
    expect(o!.shipment!.eta).toBe('2026-11-22T00:00:00Z');
    const scans = o!.shipment!.events.map((e) => e.at);
    expect(scans.length).toBeGreaterThan(0);
    expect(scans).toEqual([...scans].sort().reverse());
    expect(o!.invoice?.number).toMatch(/^INV-2026-\d{5}$/);
    expect(await knowledge.orderByInvoice(o!.invoice!.number.toLowerCase())).toMatchObject({ number: 10042 });
  });

  it('serves the second read from Redis, also to another process', async () => {
    await knowledge.orderByNumber(10043);
    expect(await cache.redis.exists('acsa:kn:v1:order:10043')).toBe(1);
    const before = knowledge.stats();
    const again = await knowledge.orderByNumber(10043);
    expect(again?.number).toBe(10043);
    expect(knowledge.stats().dbQueries).toBe(before.dbQueries);
    expect(knowledge.stats().cacheHits).toBe(before.cacheHits + 1);

    const elsewhere = createKnowledge({ pool, redis: cache.redis });
    expect(await elsewhere.orderByNumber(10043)).toEqual(again);
    expect(elsewhere.stats()).toMatchObject({ cacheHits: 1, dbQueries: 0 });
  });

  it('answers a missing or impossible order number with null', async () => {
    expect(await knowledge.orderByNumber(99_999)).toBeNull();
    const before = knowledge.stats().dbQueries;
    expect(await knowledge.orderByNumber(99_999)).toBeNull();
    expect(await knowledge.orderByNumber(1e12)).toBeNull();
    expect(knowledge.stats().dbQueries).toBe(before);
  });

  it("finds the intent's article, chosen by the customer's words, else by full-text search", async () => {
    expect((await knowledge.articleFor('check_refund_policy', 'what is your refund policy'))?.slug).toBe(
      'refund-policy',
    );
    expect(
      (await knowledge.articleFor('check_refund_policy', 'can I send back with the return label'))?.slug,
    ).toBe('returns-policy');
    expect((await knowledge.articleFor('payment_issue', 'I was charged twice'))?.slug).toBe('charged-twice');
    const before = knowledge.stats().dbQueries;
    expect((await knowledge.articleFor('payment_issue', 'my card was declined'))?.slug).toBe(
      'payment-declined',
    );
    expect(knowledge.stats().dbQueries).toBe(before);
    expect((await knowledge.articleFor('no_such_intent', 'reset my password'))?.slug).toBe(
      'recover-password',
    );
    expect(await knowledge.articleFor('no_such_intent', 'zebra quantum')).toBeNull();
  });

  it("holds an intent's articles in the process for heldArticleMs, then reads them again", async () => {
    const k = createKnowledge({ pool, redis: cache.redis, ttl: { heldArticleMs: 300 } });
    expect((await k.articleFor('payment_issue', 'I was charged twice'))?.slug).toBe('charged-twice');
    const first = k.stats();
    expect(first.cacheHits + first.cacheMisses).toBe(1);
    // Another FAQ turn of the intent: no Redis read, no query, the choice still made by its words.
    expect((await k.articleFor('payment_issue', 'my card was declined'))?.slug).toBe('payment-declined');
    expect(k.stats()).toEqual(first);

    await prisma.article.update({
      where: { slug: 'charged-twice' },
      data: { title: 'Charged twice? (updated)' },
    });
    await cache.redis.del('acsa:kn:v1:articles:payment_issue');
    expect((await k.articleFor('payment_issue', 'I was charged twice'))?.title).not.toBe(
      'Charged twice? (updated)',
    );
    await new Promise((r) => setTimeout(r, 350));
    expect((await k.articleFor('payment_issue', 'I was charged twice'))?.title).toBe(
      'Charged twice? (updated)',
    );
    expect(k.stats().dbQueries).toBe(first.dbQueries + 1);
  });

  it('finds a product by part of its name', async () => {
    const any = await prisma.product.findFirstOrThrow({ where: { active: true }, orderBy: { sku: 'asc' } });
    expect(await knowledge.productByName(any.name.toUpperCase())).toMatchObject({
      sku: any.sku,
      currency: 'USD',
    });
    expect(await knowledge.productByName('no such thing 100%')).toBeNull();
  });

  describe('cancelling', () => {
    it('cancels a paid order once, refunds it and replaces its cached copy', async () => {
      const paid = await prisma.order.findFirstOrThrow({
        where: { status: 'PAID' },
        orderBy: { number: 'asc' },
      });
      expect((await knowledge.orderByNumber(paid.number))?.status).toBe('PAID');
      const result = await knowledge.cancelOrder(paid.id);
      expect(result).toMatchObject({ cancelled: true, number: paid.number, previousStatus: 'PAID' });
      // Replaced from the primary, not merely dropped: another process's miss might load a lagging replica.
      const cached = JSON.parse((await cache.redis.get(`acsa:kn:v1:order:${paid.number}`)) ?? 'null');
      expect(cached?.status).toBe('CANCELLED');
      const after = await knowledge.orderByNumber(paid.number);
      expect(after?.status).toBe('CANCELLED');
      expect(after?.cancelledAt).toBeTruthy();
      expect(after?.refunds.at(-1)).toMatchObject({ status: 'APPROVED', amountCents: paid.totalCents });
      expect(await knowledge.cancelOrder(paid.id)).toEqual({
        cancelled: false,
        number: paid.number,
        status: 'CANCELLED',
      });
    });

    it('never cancels an order that shipped after it was read', async () => {
      const order = await prisma.order.findFirstOrThrow({
        where: { status: 'PAID' },
        orderBy: { number: 'desc' },
      });
      expect((await knowledge.orderByNumber(order.number))?.status).toBe('PAID');
      await prisma.order.update({ where: { id: order.id }, data: { status: 'SHIPPED' } });
      expect(await knowledge.cancelOrder(order.id)).toMatchObject({ cancelled: false, status: 'SHIPPED' });
      const row = await prisma.order.findUniqueOrThrow({ where: { id: order.id } });
      expect([row.status, row.cancelledAt]).toEqual(['SHIPPED', null]);
    });

    it('lets exactly one of two simultaneous cancels win, refunding nothing for an unpaid order', async () => {
      const pending = await prisma.order.findFirstOrThrow({ where: { status: 'PENDING' } });
      const results = await Promise.all([
        knowledge.cancelOrder(pending.id),
        knowledge.cancelOrder(pending.id),
      ]);
      expect(results.filter((r) => r.cancelled)).toHaveLength(1);
      expect(await prisma.refund.count({ where: { orderId: pending.id } })).toBe(0);
      expect(await knowledge.cancelOrder('not-a-uuid')).toEqual({
        cancelled: false,
        number: null,
        status: null,
      });
    });
  });

  describe('without Redis', () => {
    it('reads from PostgreSQL when Redis refuses connections', async () => {
      const dead = new Redis('redis://127.0.0.1:1', {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      dead.on('error', () => undefined);
      opened.push(dead);
      const k = createKnowledge({ pool, redis: dead });
      const started = performance.now();
      expect((await k.orderByNumber(10042))?.shipment?.carrier).toBe('UPS');
      expect((await k.orderByNumber(10042))?.number).toBe(10042);
      expect(performance.now() - started).toBeLessThan(500);
      expect(k.stats()).toMatchObject({ cacheHits: 0, dbQueries: 2 });
    });

    it('waits at most the command timeout for a Redis that accepts but never answers', async () => {
      const silent: Server = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const hung = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
      hung.on('error', () => undefined);
      opened.push(hung);
      try {
        const k = createKnowledge({ pool, redis: hung, redisTimeoutMs: 80 });
        let started = performance.now();
        expect((await k.orderByNumber(10042))?.number).toBe(10042);
        expect(performance.now() - started).toBeLessThan(400);
        // After one timeout Redis is skipped for a while: the next turns pay nothing for it.
        started = performance.now();
        await k.orderByNumber(10043);
        expect(performance.now() - started).toBeLessThan(60);
        expect(k.stats().cacheErrors).toBe(1);
      } finally {
        hung.disconnect();
        silent.close();
      }
    });
  });
});
