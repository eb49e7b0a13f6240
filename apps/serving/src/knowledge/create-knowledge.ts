import { createHash } from 'node:crypto';
import { isUuid } from '@acsa/core/ids';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { articleChoices, pickArticle, type TArticleChoice } from './article-pick.ts';
import { queryArticlesForIntent, querySearchArticle } from './article-query.ts';
import { createCache } from './cache.ts';
import { cancelOrderById } from './cancel-order.ts';
import { isOrderNumber, queryOrderByInvoice, queryOrderByNumber } from './order-query.ts';
import { queryProductByName } from './product-query.ts';
import { createReadRouter } from './read-router.ts';
import type { TKnowledge, TOrderView } from './types.ts';

export type TKnowledgeOptions = {
  pool: pg.Pool;
  /** A streaming replica for the reads (see createReadRouter); null or absent: reads go to `pool`. */
  replica?: pg.Pool | null;
  /** After a replica read fails, reads skip the replica this long (default 5 s). */
  replicaCooldownMs?: number;
  /**
   * How long reads of an order this process just changed stay on the primary. Longer than any replica lag
   * worth serving from; a replica further behind than this shows the old status to this process too.
   */
  readYourWritesMs?: number;
  /** null: no cache. The app's shared client is fine: every key lives under `prefix`. */
  redis: Redis | null;
  /** Namespace of the cache keys (default `acsa:kn:`). */
  prefix?: string;
  /**
   * Cache lifetimes. Orders change (tracking scans), so theirs is short; articles change rarely (only a seed
   * or an import writes them), and an intent's articles are also held in this process for `heldArticleMs`.
   */
  ttl?: Partial<Record<'orderMs' | 'missingMs' | 'articleMs' | 'productMs' | 'heldArticleMs', number>>;
  redisTimeoutMs?: number;
  redisCooldownMs?: number;
};

const digest = (s: string) => createHash('sha1').update(s).digest('base64url');
const squash = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * The shop as the dialogue engine sees it: typed reads from PostgreSQL behind a Redis cache-aside, and the
 * one write chat may make (cancelling). Every read is one round-trip on a miss and none on a hit.
 */
export function createKnowledge(options: TKnowledgeOptions): TKnowledge {
  const router = createReadRouter({
    primary: options.pool,
    replica: options.replica ?? null,
    cooldownMs: options.replicaCooldownMs,
  });
  const store = router.read;
  const readYourWritesMs = options.readYourWritesMs ?? 10_000;
  // Orders this process changed, until when their reads must see the change: the replica may lag.
  const written = new Map<number, number>();
  const storeFor = (number: number) => {
    const until = written.get(number);
    if (until === undefined) return store;
    if (Date.now() < until) return router.primary;
    written.delete(number);
    return store;
  };
  const ttl = {
    orderMs: 30_000,
    missingMs: 10_000,
    articleMs: 300_000,
    productMs: 60_000,
    heldArticleMs: 30_000,
    ...options.ttl,
  };
  const cache = createCache({
    redis: options.redis,
    // The version of the cached views' shape: bump it when TOrderView & co change, so no process reads
    // JSON written by an older one during a rolling restart.
    prefix: `${options.prefix ?? 'acsa:kn:'}v1:`,
    timeoutMs: options.redisTimeoutMs ?? 100,
    cooldownMs: options.redisCooldownMs ?? 1_000,
  });
  let dbQueries = 0;
  const db = <T>(query: () => Promise<T>) => {
    dbQueries++;
    return query();
  };
  const orderKey = (n: number) => `order:${n}`;

  const articlesForIntent = (intent: string) =>
    cache.get(`articles:${intent}`, ttl.articleMs, () => db(() => queryArticlesForIntent(store, intent)));
  // Every FAQ turn reads its intent's articles, a few dozen keys in all, so this process holds them too, their
  // words counted once: from Redis each turn took a round trip and the JSON of every candidate article
  // (`npx tsx bench/serving/run.ts --workers 1`, alternating: saturation 3,976 and 3,857 turns/s against 3,907
  // and 3,780 without; a small gain, but one with no cost).
  const held = new Map<string, { until: number; choices: Promise<TArticleChoice[]> }>();
  const choicesFor = (intent: string) => {
    const now = Date.now();
    const kept = held.get(intent);
    if (kept && now < kept.until) return kept.choices;
    if (held.size >= 512) held.clear(); // intents are the model's labels; this bounds a caller's odd ones
    const choices = articlesForIntent(intent).then(articleChoices);
    held.set(intent, { until: now + ttl.heldArticleMs, choices });
    // A failed read is not held: the next turn tries again.
    choices.catch(() => held.get(intent)?.choices === choices && held.delete(intent));
    return choices;
  };

  const orderByNumber = (number: number): Promise<TOrderView | null> => {
    if (!isOrderNumber(number)) return Promise.resolve(null);
    return cache.get(
      orderKey(number),
      ttl.orderMs,
      () => db(() => queryOrderByNumber(storeFor(number), number)),
      ttl.missingMs,
    );
  };

  return {
    orderByNumber,

    async orderByInvoice(invoiceNumber) {
      // The invoice → order mapping never changes, so only the number is cached under the invoice key and
      // the order itself stays under its own key, where cancelling invalidates it.
      const found: { order: TOrderView | null } = { order: null };
      const number = await cache.get(
        `invoice:${digest(squash(invoiceNumber))}`,
        ttl.articleMs,
        async () => {
          found.order = await db(() => queryOrderByInvoice(store, invoiceNumber));
          return found.order?.number ?? null;
        },
        ttl.missingMs,
      );
      if (found.order) {
        cache.set(orderKey(found.order.number), found.order, ttl.orderMs);
        return found.order;
      }
      return number == null ? null : orderByNumber(number);
    },

    async articleFor(intent, text) {
      const own = await choicesFor(intent);
      if (own.length > 0) return pickArticle(own, text);
      const query = squash(text);
      if (!query) return null;
      return cache.get(`search:${digest(query)}`, ttl.articleMs, () =>
        db(() => querySearchArticle(store, query)),
      );
    },

    productByName(name) {
      const query = squash(name);
      if (!query) return Promise.resolve(null);
      return cache.get(
        `product:${digest(query)}`,
        ttl.productMs,
        () => db(() => queryProductByName(store, query)),
        ttl.missingMs,
      );
    },

    async cancelOrder(orderId) {
      if (!isUuid(orderId)) return { cancelled: false, number: null, status: null };
      const result = await db(() => cancelOrderById(router.primary, orderId));
      if (result.number == null) return result;
      written.set(result.number, Date.now() + readYourWritesMs);
      // The fresh view from the primary replaces the cached one (not merely deleted): another process's
      // miss would load from a replica that may not have the change yet and cache the old status.
      const fresh = await db(() => queryOrderByNumber(router.primary, result.number as number));
      if (fresh) await cache.put(orderKey(result.number), fresh, ttl.orderMs);
      else await cache.del(orderKey(result.number));
      return result;
    },

    stats: () => ({
      cacheHits: cache.counters.hits,
      cacheMisses: cache.counters.misses,
      cacheErrors: cache.counters.errors,
      dbQueries,
      ...router.counters,
    }),
  };
}
