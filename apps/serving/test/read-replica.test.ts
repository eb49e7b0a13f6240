import { createLogger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import { moveAlias } from '@acsa/db/registry';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedAccess } from '../../../prisma/seed/access.ts';
import { seedDemoShop } from '../../../prisma/seed/seed.ts';
import { createServingApp } from '../src/app.ts';
import { createPool } from '../src/db/pool.ts';
import { loadEnv } from '../src/env.ts';
import { createKnowledge } from '../src/knowledge/index.ts';
import { createReplicaPool } from '../src/knowledge/read-router.ts';
import { registerBundle, storefront } from './harness.ts';
import { findPgBin, startPrimaryAndReplica, type TPgPair } from './pg-cluster.ts';

// Knowledge reads against a real streaming replica: a primary and a pg_basebackup -R copy of it, started
// here on ports of their own. Replay is paused on the replica to make it visibly behind the primary.
const bin = findPgBin();
const NOW = new Date('2026-11-20T00:00:00Z');

describe.skipIf(!bin)('knowledge reads on a streaming replica', () => {
  let pair: TPgPair;
  let db: TestDatabase;
  let prisma: PrismaClient;
  let cache: TestRedis;
  let primaryPool: pg.Pool;
  let replicaPool: pg.Pool;
  let admin: pg.Pool;

  const onReplica = (text: string) => admin.query(text);
  /** Waits until the replica has replayed everything the primary has written so far. */
  async function caughtUp() {
    const { rows } = await primaryPool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const lsn = rows[0]!.lsn;
    for (let i = 0; i < 200; i++) {
      const r = await onReplica(`SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`);
      if (r.rows[0].done) return;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('the replica did not catch up in 5 s');
  }
  const knowledgeOf = (options: { cached?: boolean } = {}) =>
    createKnowledge({
      pool: primaryPool,
      replica: replicaPool,
      redis: options.cached ? cache.redis : null,
      replicaCooldownMs: 300,
    });

  beforeAll(async () => {
    pair = await startPrimaryAndReplica(bin!);
    db = await createTestDatabase(pair.primary.url('postgres'));
    prisma = db.prisma;
    cache = await createTestRedis(testServiceUrls().redisUrl);
    await seedDemoShop(prisma, { seed: 42, now: NOW, customers: 100, orders: 300 });
    primaryPool = createPool(db.url, 4);
    replicaPool = createReplicaPool(pair.replica.url(db.name), 4);
    admin = createPool(pair.replica.url('postgres'), 1);
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await replicaPool?.end().catch(() => undefined);
    await primaryPool?.end().catch(() => undefined);
    await prisma?.$disconnect();
    await cache?.cleanup();
    pair?.destroy();
  });

  it('answers orders, products and articles from the replica', async () => {
    const knowledge = knowledgeOf();
    const article = await knowledge.articleFor('track_order', 'where is my parcel');
    const product = await prisma.product.findFirstOrThrow({
      where: { active: true },
      orderBy: { sku: 'asc' },
    });
    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      await prisma.order.update({ where: { number: 10042 }, data: { shippingMethod: 'changed-on-primary' } });
      await prisma.product.update({
        where: { id: product.id },
        data: { priceCents: product.priceCents + 1 },
      });
      await prisma.article.update({ where: { slug: article!.slug }, data: { title: 'Changed on primary' } });
      // The replica has not replayed those writes: what the knowledge reads is the replica's copy.
      const fresh = knowledgeOf();
      expect((await fresh.orderByNumber(10042))?.shippingMethod).not.toBe('changed-on-primary');
      expect((await fresh.productByName(product.name))?.priceCents).toBe(product.priceCents);
      expect((await fresh.articleFor('track_order', 'where is my parcel'))?.title).toBe(article!.title);
      expect(fresh.stats()).toMatchObject({ replicaReads: 3, primaryReads: 0, replicaErrors: 0 });
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    expect((await knowledgeOf().orderByNumber(10042))?.shippingMethod).toBe('changed-on-primary');
  });

  it('reads a cancelled order back cancelled while the replica is behind, in this process and another', async () => {
    const paid = await prisma.order.findFirstOrThrow({
      where: { status: 'PAID' },
      orderBy: { number: 'asc' },
    });
    const here = knowledgeOf({ cached: true });
    const elsewhere = knowledgeOf({ cached: true });
    expect((await here.orderByNumber(paid.number))?.status).toBe('PAID');
    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      expect(await here.cancelOrder(paid.id)).toMatchObject({ cancelled: true, number: paid.number });
      const replicaCopy = await replicaPool.query('SELECT status FROM "Order" WHERE id = $1', [paid.id]);
      expect(replicaCopy.rows[0].status, 'the replica is behind').toBe('PAID');
      expect((await here.orderByNumber(paid.number))?.status).toBe('CANCELLED');
      expect((await elsewhere.orderByNumber(paid.number))?.status).toBe('CANCELLED');
      // Without the cache (Redis away), this process still reads its own write from the primary.
      const uncached = knowledgeOf();
      expect((await uncached.orderByNumber(paid.number))?.status, 'a process that did not write').toBe(
        'PAID',
      );
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
  });

  it('falls back to the primary while the replica is away, and goes back to it once it returns', async () => {
    const knowledge = knowledgeOf();
    await knowledge.orderByNumber(10042);
    expect(knowledge.stats().replicaReads).toBe(1);
    pair.stopReplica('immediate');
    const started = performance.now();
    for (const n of [10042, 10043, 10044, 10045, 10046]) {
      expect((await knowledge.orderByNumber(n))?.number).toBe(n);
    }
    const elapsed = performance.now() - started;
    // Every read answered by the primary; the replica tried once per cooldown (300 ms here), not per read.
    expect(knowledge.stats().primaryReads).toBe(5);
    expect(knowledge.stats().replicaErrors).toBeGreaterThanOrEqual(1);
    expect(knowledge.stats().replicaErrors).toBeLessThanOrEqual(1 + Math.floor(elapsed / 300));
    // One failed try, then the replica is skipped: no read waits on a dead replica's timeout.
    expect(elapsed).toBeLessThan(1_500);
    pair.startReplica();
    await caughtUp();
    await new Promise((r) => setTimeout(r, 350));
    expect((await knowledge.orderByNumber(10047))?.number).toBe(10047);
    expect(knowledge.stats().replicaReads).toBe(2);
  }, 60_000);

  it('serving reads knowledge from DATABASE_REPLICA_URL and answers from it', async () => {
    await seedAccess(prisma, { demoApiKey: 'acsa_replica_test_key_0123456789abc' });
    const versionId = await registerBundle(db, inject('bootstrapBundle'), 'replica-test-1');
    await moveAlias(prisma, {
      alias: 'production',
      toVersionId: versionId,
      kind: 'PROMOTE',
      actor: { type: 'SYSTEM', display: 'system:test' },
    });
    await caughtUp();
    const env = loadEnv({
      DATABASE_URL: db.url,
      DATABASE_REPLICA_URL: pair.replica.url(db.name),
      REDIS_URL: cache.url,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    });
    const serving = await createServingApp({
      env,
      logger: createLogger({ name: 'replica-test', level: 'silent' }),
      redisPrefix: `${cache.prefix}app:`,
    });
    try {
      const shopper = storefront(serving, 'acsa_replica_test_key_0123456789abc');
      const reply = await shopper.chat('replica-1', 'what is your return policy?');
      expect(reply.reply.length).toBeGreaterThan(0);
      // The replica saw serving's knowledge pool connect to this database.
      const { rows } = await onReplica(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'acsa-serving-replica' AND datname = '${db.name}'`,
      );
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await serving.close();
    }
  }, 60_000);
});
