import { stream } from '@acsa/corpus/prng';
import type { PrismaClient } from '@acsa/db';
import { bulkInsert } from '@acsa/db';
import { ARTICLES } from './articles.ts';
import { buildCatalogue } from './catalogue.ts';
import { buildOrders } from './orders.ts';
import { buildCustomers } from './people.ts';
import { uuidv7 } from './uuid.ts';

export type SeedShopOptions = {
  seed?: number;
  /** The day the shop's history ends; order ages, statuses and ETAs are relative to it. */
  now?: Date;
  customers?: number;
  orders?: number;
};

export type SeedShopCounts = Record<
  | 'categories'
  | 'products'
  | 'customers'
  | 'addresses'
  | 'orders'
  | 'orderItems'
  | 'invoices'
  | 'shipments'
  | 'trackingEvents'
  | 'refunds'
  | 'articles',
  number
> & { ordersByStatus: Record<string, number> };

export type DemoShop = ReturnType<typeof buildDemoShop>;

/** The whole shop in memory, from the seed alone: same seed and day, same rows and ids. */
export function buildDemoShop(options: SeedShopOptions = {}) {
  const seed = options.seed ?? 42;
  const now = options.now ?? new Date();
  const { categories, products } = buildCatalogue(stream(seed, 'catalogue'));
  const idRandom = stream(seed, 'ids');
  const categoryIds = new Map(categories.map((c) => [c.slug, uuidv7(new Date(0), idRandom)]));
  const productRows = products.map((p) => ({ ...p, id: uuidv7(new Date(0), idRandom) }));
  const articles = ARTICLES.map((a) => ({ id: uuidv7(new Date(0), idRandom), ...a }));
  const { customers, addresses } = buildCustomers(stream(seed, 'customers'), options.customers ?? 2400, now);
  const shop = buildOrders({
    random: stream(seed, 'orders'),
    count: options.orders ?? 10_500,
    now,
    customers,
    addresses,
    products: productRows,
  });
  return { now, categories, categoryIds, products: productRows, customers, addresses, articles, ...shop };
}

/**
 * Writes the demo shop in one transaction: a crash leaves the database empty, never half-seeded, and the
 * next start seeds again. Returns null, writing nothing, when the shop already has products.
 */
export async function seedDemoShop(
  prisma: PrismaClient,
  options: SeedShopOptions = {},
): Promise<SeedShopCounts | null> {
  if ((await prisma.product.count()) > 0) return null;
  const {
    now,
    categories,
    categoryIds,
    products: productRows,
    customers,
    addresses,
    articles,
    ...shop
  } = buildDemoShop(options);
  const t = now.toISOString();
  const counts = await prisma.$transaction(
    async (tx) => {
      // Two starts at once: the second waits here, then finds the shop seeded.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('acsa-seed-demo-shop'))`;
      if ((await tx.product.count()) > 0) return null;
      return {
        categories: await bulkInsert(
          tx,
          'Category',
          categories.map((c) => ({ id: categoryIds.get(c.slug), ...c })),
        ),
        products: await bulkInsert(
          tx,
          'Product',
          productRows.map(({ categorySlug, ...p }) => ({
            ...p,
            categoryId: categoryIds.get(categorySlug),
            createdAt: t,
          })),
        ),
        customers: await bulkInsert(tx, 'Customer', customers),
        addresses: await bulkInsert(tx, 'Address', addresses),
        orders: await bulkInsert(
          tx,
          'Order',
          shop.orders.map((o) => ({ ...o, updatedAt: o.cancelledAt ?? o.paidAt ?? o.placedAt })),
        ),
        orderItems: await bulkInsert(tx, 'OrderItem', shop.items),
        invoices: await bulkInsert(tx, 'Invoice', shop.invoices),
        shipments: await bulkInsert(tx, 'Shipment', shop.shipments),
        trackingEvents: await bulkInsert(tx, 'TrackingEvent', shop.events),
        refunds: await bulkInsert(tx, 'Refund', shop.refunds),
        articles: await bulkInsert(
          tx,
          'Article',
          articles.map((a) => ({ ...a, updatedAt: t })),
        ),
      };
    },
    { timeout: 180_000, maxWait: 10_000 },
  );
  if (!counts) return null;
  // Tables loaded in bulk have no statistics until autovacuum's first pass reaches them (a minute or more):
  // until then the planner guesses, and serving's order view hashed the whole catalogue for every order
  // (0.51 ms against 0.30 ms executing it once analysed; `npx tsx bench/serving/knowledge-cost.ts`).
  await prisma.$executeRawUnsafe(
    'ANALYZE "Category", "Product", "Customer", "Address", "Order", "OrderItem", "Invoice", "Shipment", "TrackingEvent", "Refund", "Article"',
  );
  const ordersByStatus: Record<string, number> = {};
  for (const o of shop.orders) ordersByStatus[o.status] = (ordersByStatus[o.status] ?? 0) + 1;
  return { ...counts, ordersByStatus };
}

/** Product names, for the corpus and for entity extraction's gazetteer. */
export function catalogueProductNames(seed = 42): string[] {
  return buildCatalogue(stream(seed, 'catalogue')).products.map((p) => p.name);
}
