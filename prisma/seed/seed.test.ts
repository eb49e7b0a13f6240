import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAccess, sha256Hex } from './access.ts';
import { BOOTSTRAP_DATASET, seedBootstrapCorpus } from './corpus.ts';
import { buildDemoShop, catalogueProductNames, type SeedShopCounts, seedDemoShop } from './seed.ts';

const now = new Date('2026-11-20T00:00:00Z');
const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('demo shop seed', () => {
  let db: TestDatabase;
  let counts: SeedShopCounts | null;
  beforeAll(async () => {
    db = await createTestDatabase(testServiceUrls().databaseUrl);
    counts = await seedDemoShop(db.prisma, { seed: 42, now });
  }, 120_000);
  afterAll(() => db?.drop());

  it('is the same shop for the same seed and day, and another for another seed', () => {
    const small = { customers: 300, orders: 1000, now };
    const a = buildDemoShop({ seed: 42, ...small });
    const b = buildDemoShop({ seed: 42, ...small });
    const c = buildDemoShop({ seed: 7, ...small });
    expect(digest(a.orders)).toBe(digest(b.orders));
    expect(digest(a.events)).toBe(digest(b.events));
    expect(digest(a.orders)).not.toBe(digest(c.orders));
  }, 30_000);

  it('fills the shop to the promised size', async () => {
    const p = db.prisma;
    expect(await p.category.count()).toBeGreaterThanOrEqual(10);
    expect(await p.product.count()).toBeGreaterThanOrEqual(300);
    expect(await p.customer.count()).toBeGreaterThanOrEqual(2000);
    expect(await p.order.count()).toBeGreaterThanOrEqual(10_000);
    expect(await p.article.count()).toBeGreaterThanOrEqual(40);
    const byStatus = await p.order.groupBy({ by: ['status'], _count: true });
    expect(byStatus.map((s) => s.status).sort()).toEqual([
      'CANCELLED',
      'DELIVERED',
      'PAID',
      'PENDING',
      'RETURNED',
      'SHIPPED',
    ]);
    expect(counts?.orders).toBe(await p.order.count());
  });

  it('gives Alex Morgan a paid order not yet shipped, to cancel in the demo', async () => {
    const order = await db.prisma.order.findUniqueOrThrow({
      where: { number: 10110 },
      include: { customer: true },
    });
    expect(order.customer.email).toBe('alex.morgan@example.com');
    expect(order.status).toBe('PAID');
  });

  it('has order 10042: shipped, with carrier, tracking number, ETA and tracking events', async () => {
    const order = await db.prisma.order.findUniqueOrThrow({
      where: { number: 10042 },
      include: {
        shipments: { include: { events: { orderBy: { at: 'asc' } } } },
        items: true,
        customer: true,
      },
    });
    expect(order.status).toBe('SHIPPED');
    expect(order.email).toBe(order.customer.email);
    expect(order.items.length).toBeGreaterThan(0);
    expect(order.totalCents).toBe(
      order.items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0) + order.shippingCents,
    );
    const [shipment] = order.shipments;
    expect(shipment?.carrier).toBeTruthy();
    expect(shipment?.trackingNumber).toBeTruthy();
    expect(shipment?.eta?.getTime()).toBeGreaterThan(now.getTime());
    expect(shipment?.events.map((e) => e.status)).toContain('IN_TRANSIT');
  });

  it('keeps orders consistent with their status', async () => {
    const p = db.prisma;
    // Nothing unshipped has a shipment; everything delivered has one, and its last event says delivered.
    expect(
      await p.shipment.count({ where: { order: { status: { in: ['PENDING', 'PAID', 'CANCELLED'] } } } }),
    ).toBe(0);
    const delivered = await p.order.findFirstOrThrow({
      where: { status: 'DELIVERED' },
      include: { shipments: { include: { events: { orderBy: { at: 'desc' }, take: 1 } } } },
    });
    expect(delivered.shipments[0]?.events[0]?.status).toBe('DELIVERED');
    expect(await p.refund.count({ where: { order: { status: 'RETURNED' } } })).toBe(
      await p.order.count({ where: { status: 'RETURNED' } }),
    );
    expect(await p.invoice.count({ where: { order: { status: 'PENDING' } } })).toBe(0);
  });

  it('answers policy questions through the full-text index', async () => {
    const search = (q: string) =>
      db.prisma.$queryRaw<{ slug: string }[]>`
        SELECT slug FROM "Article" WHERE search @@ websearch_to_tsquery('english', ${q})
        ORDER BY ts_rank(search, websearch_to_tsquery('english', ${q})) DESC LIMIT 1`;
    expect((await search('cancellation fee'))[0]?.slug).toBe('cancellation-fee');
    expect((await search('which payment methods'))[0]?.slug).toBe('payment-methods');
    const forIntent = await db.prisma.article.findMany({ where: { intents: { has: 'delivery_options' } } });
    expect(forIntent.map((a) => a.slug)).toContain('delivery-options');
  });

  it('leaves the planner statistics of every table it filled, so the first turns get good plans', async () => {
    const rows = await db.prisma.$queryRaw<{ relname: string }[]>`
      SELECT c.relname FROM pg_class c
      WHERE c.relname IN ('Category', 'Product', 'Customer', 'Address', 'Order', 'OrderItem', 'Invoice',
                          'Shipment', 'TrackingEvent', 'Refund', 'Article')
        AND EXISTS (SELECT 1 FROM pg_statistic s WHERE s.starelid = c.oid)`;
    expect(rows.map((r) => r.relname).sort()).toEqual(
      [
        'Address',
        'Article',
        'Category',
        'Customer',
        'Invoice',
        'Order',
        'OrderItem',
        'Product',
        'Refund',
        'Shipment',
        'TrackingEvent',
      ].sort(),
    );
  });

  it('does nothing when run again', async () => {
    const before = await db.prisma.order.count();
    expect(await seedDemoShop(db.prisma, { seed: 42, now })).toBeNull();
    expect(await db.prisma.order.count()).toBe(before);
  });

  it('stores the bootstrap corpus as a dataset version with every intent', async () => {
    const stored = await seedBootstrapCorpus(db.prisma, {
      seed: 42,
      productNames: catalogueProductNames(42),
    });
    expect(stored).not.toBeNull();
    const version = await db.prisma.datasetVersion.findFirstOrThrow({
      where: { dataset: { name: BOOTSTRAP_DATASET } },
    });
    expect(version.version).toBe(1);
    const perIntent = await db.prisma.example.groupBy({
      by: ['intent'],
      where: { datasetVersionId: version.id },
      _count: true,
    });
    expect(perIntent).toHaveLength(31);
    for (const row of perIntent) expect(row._count).toBeGreaterThanOrEqual(150);
    expect(await seedBootstrapCorpus(db.prisma, { seed: 42, productNames: [] })).toBeNull();
  }, 60_000);

  it('stores the demo storefront key hashed, and revokes a replaced one', async () => {
    const key1 = 'acsa_demo_0123456789abcdef0123';
    const key2 = 'acsa_demo_fedcba9876543210fedc';
    await seedAccess(db.prisma, { demoApiKey: key1 });
    await seedAccess(db.prisma, { demoApiKey: key2 });
    const keys = await db.prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } });
    expect(keys.map((k) => k.hash)).toEqual([sha256Hex(key1), sha256Hex(key2)]);
    expect(JSON.stringify(keys)).not.toContain(key1);
    expect(keys[0]?.revokedAt).not.toBeNull();
    expect(keys[1]?.revokedAt).toBeNull();
    await expect(seedAccess(db.prisma, { demoApiKey: 'short' })).rejects.toThrow(/ACSA_DEMO_API_KEY/);
  });

  it('stores the demo shop page key as publishable, bound to its origins', async () => {
    const key = 'acsa_pk_demo_0123456789abcdef0123';
    await seedAccess(db.prisma, { demoPublishableKey: key, demoShopOrigins: ['http://127.0.0.1:3100'] });
    const stored = await db.prisma.apiKey.findUniqueOrThrow({ where: { hash: sha256Hex(key) } });
    expect(stored).toMatchObject({
      kind: 'PUBLISHABLE',
      allowedOrigins: ['http://127.0.0.1:3100'],
      scopes: ['chat', 'feedback'],
      revokedAt: null,
    });
  });
});
