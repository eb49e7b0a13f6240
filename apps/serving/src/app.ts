import type { Logger } from '@acsa/core/logger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { Redis } from 'ioredis';
import { ApiKeyAuth } from './auth/api-keys.ts';
import { makeChatSchemas } from './chat/chat-schemas.ts';
import { createTurnHandler, type TDecide } from './chat/handle-turn.ts';
import { SessionStore } from './chat/session-store.ts';
import { createPool } from './db/pool.ts';
import { createDb, sql } from './db/sql.ts';
import { decideTurn } from './dialogue/index.ts';
import type { TServingEnv } from './env.ts';
import { InteractionPublisher } from './events/interaction-publisher.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { createMetrics } from './http/metrics.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { registerRoutes } from './http/routes.ts';
import { createKnowledge } from './knowledge/index.ts';
import { ModelRegistry } from './models/model-registry.ts';
import { watchRegistry } from './models/registry-watcher.ts';
import { NluService } from './nlu/nlu-service.ts';
import { createTurnWriter } from './persist/turn-store.ts';
import { createShadowScorer } from './shadow/shadow-scorer.ts';
import { createShadowStore } from './shadow/shadow-store.ts';

export const SERVING_VERSION = '0.1.0';

export type TServingApp = {
  app: FastifyInstance;
  registry: ModelRegistry;
  publisher: InteractionPublisher;
  /** Stores the shadow predictions buffered so far (they are otherwise written every 100 ms). */
  flushShadows(): Promise<void>;
  close(): Promise<void>;
};

export type TAppOptions = {
  env: TServingEnv;
  logger: Logger;
  /** Namespaces every Redis key and the BullMQ prefix (tests run side by side on one Redis). */
  redisPrefix?: string;
};

/** Redis for the hot path fails fast: a dead Redis must cost a turn milliseconds, not seconds. */
function redisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', (e) => logger.debug({ err: e.message }, 'redis error'));
  return redis;
}

/** Wires one serving process: connections, model registry and watcher, NLU, dialogue, HTTP routes. */
export async function createServingApp({
  env,
  logger,
  redisPrefix = 'acsa:',
}: TAppOptions): Promise<TServingApp> {
  const pool = createPool(env.DATABASE_URL, 10, (e) =>
    logger.warn({ err: e.message }, 'postgres pool error'),
  );
  const db = createDb(pool);
  const redis = redisClient(env.REDIS_URL, logger);
  // BullMQ needs its own connection that waits out reconnects rather than failing each command.
  const queueRedis = new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: false,
    lazyConnect: false,
  });
  queueRedis.on('error', () => undefined);
  const subscriber = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  subscriber.on('error', () => undefined);

  // The registry's own connections: under load every turn connection is busy, and a model swap queued
  // behind turns would keep the old version serving for as long as that queue takes to drain.
  const registryPool = createPool(env.DATABASE_URL, 2, (e) =>
    logger.warn({ err: e.message }, 'postgres registry pool error'),
  );
  const metrics = createMetrics();
  const registry = new ModelRegistry(createDb(registryPool), logger, {
    enabled: env.MICROBATCH,
    maxBatch: env.MICROBATCH_MAX,
    maxWaitMs: env.MICROBATCH_WAIT_MS,
  });
  registry.onSwap = ({ version }) => {
    metrics.modelInfo.reset();
    metrics.modelInfo.set({ version }, 1);
    metrics.swaps.inc();
    logger.info({ version }, 'now serving');
  };
  const products = await db.query<{ name: string }>(sql`SELECT name FROM "Product" WHERE active`);
  const nlu = new NluService({ cacheSize: env.NLU_CACHE_SIZE, productNames: products.map((p) => p.name) });
  const knowledge = createKnowledge({ pool, redis, prefix: `${redisPrefix}kb:` });
  const decide: TDecide = (input) => decideTurn({ ...input, knowledge });
  const publisher = new InteractionPublisher({
    connection: queueRedis,
    pool,
    logger,
    prefix: `${redisPrefix}bull`,
  });
  const shadowStore = createShadowStore(pool, logger);
  const sessions = new SessionStore(redis, pool, env.SESSION_TTL_SECONDS, `${redisPrefix}session:`);
  const handleTurn = createTurnHandler({
    db,
    turns: createTurnWriter(pool),
    registry,
    nlu,
    sessions,
    publisher,
    decide,
    shadow: createShadowScorer({ registry, nlu, store: shadowStore, logger }),
    customerTokenSecret: env.CUSTOMER_TOKEN_SECRET,
    onTurn: (t) => {
      metrics.turns.inc({ intent: t.intent, variant: t.variant ?? '', escalated: String(t.escalated) });
      metrics.turnSeconds.observe(t.latencyMs / 1000);
    },
  });

  // Per-request logs would cost more than the turn at thousands of turns/s; errors are logged by the handler.
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: env.BODY_LIMIT_BYTES,
    return503OnClosing: true,
  });
  installErrorHandler(app);
  // The API speaks JSON only: a text/plain body is a client mistake to name (415), not a string to parse.
  app.removeContentTypeParser('text/plain');
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400) metrics.errors.inc({ code: String(reply.statusCode) });
    if (reply.statusCode >= 500)
      request.log.warn({ url: request.url, status: reply.statusCode }, 'server error');
  });
  registerRoutes(app, {
    db,
    sessions,
    auth: new ApiKeyAuth(db),
    registry,
    handleTurn,
    metrics,
    version: SERVING_VERSION,
    limiter: new RateLimiter(
      redis,
      {
        perSessionPerMinute: env.RATE_LIMIT_SESSION_PER_MINUTE,
        perKeyPerMinute: env.RATE_LIMIT_KEY_PER_MINUTE,
      },
      `${redisPrefix}rl:`,
    ),
    schemas: makeChatSchemas(env.MAX_TEXT_LENGTH),
  });

  await registry
    .reconcile()
    .catch((e) => logger.error({ err: (e as Error).message }, 'initial model load failed'));
  const watcher = watchRegistry({ registry, subscriber, pollMs: env.MODEL_POLL_MS, logger });

  return {
    app,
    registry,
    publisher,
    flushShadows: () => shadowStore.flush(),
    async close() {
      await app.close();
      await watcher.stop();
      await publisher.close();
      await registry.close();
      await shadowStore.flush();
      redis.disconnect();
      queueRedis.disconnect();
      await Promise.all([pool.end(), registryPool.end()]).catch(() => undefined);
    },
  };
}
