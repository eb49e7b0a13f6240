import { createServer } from 'node:http';
import type { Logger } from '@acsa/core/logger';
import { startTracing, tracingEnabled } from '@acsa/core/tracing';
import { API_KEY_REVOKED_CHANNEL } from '@acsa/pipelines';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { Redis } from 'ioredis';
import { ApiKeyAuth } from './auth/api-keys.ts';
import { createLookupGuards } from './auth/lookup-guard.ts';
import { makeChatSchemas } from './chat/chat-schemas.ts';
import { createTurnHandler, type TDecide } from './chat/handle-turn.ts';
import { IdempotencyStore } from './chat/idempotency.ts';
import { SessionStore } from './chat/session-store.ts';
import { guardPool } from './db/pg-breaker.ts';
import { createPool, PG_LIMITS } from './db/pool.ts';
import { createDb } from './db/sql.ts';
import { decideTurn } from './dialogue/index.ts';
import type { TServingEnv } from './env.ts';
import { InteractionPublisher } from './events/interaction-publisher.ts';
import { installCors } from './http/cors.ts';
import { createEarlyRefusals } from './http/early-refusal.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { createMetrics, type TMetrics } from './http/metrics.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { REQUEST_ID_HEADER, requestIdOf } from './http/request-id.ts';
import { registerRoutes } from './http/routes.ts';
import { createKnowledge } from './knowledge/index.ts';
import { createReplicaPool } from './knowledge/read-router.ts';
import { ModelRegistry } from './models/model-registry.ts';
import { watchRegistry } from './models/registry-watcher.ts';
import { startReplicaHeartbeat } from './models/replica-heartbeat.ts';
import { NluService } from './nlu/nlu-service.ts';
import { watchProductNames } from './nlu/product-names.ts';
import { createTurnWriter } from './persist/turn-store.ts';
import { createShadowScorer } from './shadow/shadow-scorer.ts';
import { createShadowStore } from './shadow/shadow-store.ts';
import { traceCacheRedis, traceKnowledge } from './tracing/traced-knowledge.ts';
import { tracePool } from './tracing/traced-pool.ts';

export const SERVING_VERSION = '0.1.0';

export type TServingApp = {
  app: FastifyInstance;
  registry: ModelRegistry;
  publisher: InteractionPublisher;
  /** This process's Prometheus metrics; served on METRICS_PORT by main.ts, never by `app`. */
  metrics: TMetrics;
  /** Stores the shadow predictions buffered so far (they are otherwise written every 100 ms). */
  flushShadows(): Promise<void>;
  close(): Promise<void>;
};

export type TAppOptions = {
  env: TServingEnv;
  logger: Logger;
  /** Namespaces every Redis key and the BullMQ prefix (tests run side by side on one Redis). */
  redisPrefix?: string;
  /** How often the product names the NLU recognises are read again; PRODUCT_REFRESH_MS unless a test says. */
  productRefreshMs?: number;
};

/** How long the hot path's Redis commands may take. */
const REDIS_COMMAND_TIMEOUT_MS = 500;

/** Redis for the hot path fails fast: a dead Redis must cost a turn milliseconds, not seconds. */
function redisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    // Not enableAutoPipelining: it took Redis's CPU per turn from 0.14 to 0.09 ms at 800 turns/s, but a
    // worker's peak RSS from ~250 to ~300 MB, the limit (bench/serving/results/2026-12-06-everything.md).
    enableOfflineQueue: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    // Commands that already failed (their callers took the no-Redis path) are not sent again after a
    // reconnect: a rate-limit INCR or a failed-lookup count applied late, or twice, would count a shopper twice.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', (e) => logger.debug({ err: e.message }, 'redis error'));
  // A Redis that stops answering without closing (a failover whose old address drops packets) kept the
  // connection 'ready', so every call waited out its command timeout: each turn took 1 s for as long as it
  // lasted (test/resilience.test.ts, "Redis gone silent"). The first timeout drops the connection instead:
  // calls fail at once and turns take their no-Redis paths while ioredis reconnects. A timeout that was only
  // this process's own pause costs the same: the session store already distrusts Redis after any timeout of
  // its own commands (SessionStore.doubt), and a check by PING doubled the time to notice real silence.
  const onFailed = (e: unknown) => {
    if (redis.status !== 'ready' || !(e instanceof Error) || e.message !== 'Command timed out') return;
    try {
      logger.warn(
        `redis did not answer within ${REDIS_COMMAND_TIMEOUT_MS} ms: reconnecting, turns go on without it meanwhile`,
      );
      redis.disconnect(true);
    } catch {
      // Never let the watch itself end the process.
    }
  };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command, stream) => {
    const sent = send(command, stream);
    command.promise.catch(onFailed);
    return sent;
  }) as typeof redis.sendCommand;
  return redis;
}

/** Wires one serving process: connections, model registry and watcher, NLU, dialogue, HTTP routes. */
export async function createServingApp({
  env,
  logger,
  redisPrefix = 'acsa:',
  productRefreshMs,
}: TAppOptions): Promise<TServingApp> {
  // Off unless OTEL_* asks (then each worker exports its own spans); a test may have started it already.
  const tracing = await startTracing({ serviceName: 'acsa-serving', env });
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
  const registryPool = createPool(
    env.DATABASE_URL,
    2,
    (e) => logger.warn({ err: e.message }, 'postgres registry pool error'),
    PG_LIMITS.registry,
  );
  const metrics = createMetrics();
  // Every statement of the turn's pool goes through the breaker (db, knowledge, sessions, turn writer); the
  // registry's pool does not: its poll retries on its own, off the turns' path.
  guardPool(pool, {
    onStateChange: (state) => metrics.dbCircuit.set({ closed: 0, open: 1, 'half-open': 2 }[state]),
    onRejected: () => metrics.dbRefused.inc(),
  });
  if (tracingEnabled()) tracePool(pool, 'primary');
  const registryDb = createDb(registryPool);
  const registry = new ModelRegistry(registryDb, logger, {
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
  const nlu = new NluService({ cacheSize: env.NLU_CACHE_SIZE, productNames: [] });
  // On the registry's connections, as the registry's poll is: a background read, off the turns' pool.
  const products = await watchProductNames({
    db: registryDb,
    nlu,
    logger,
    ...(productRefreshMs ? { refreshMs: productRefreshMs } : {}),
  });
  const replicaPool = env.DATABASE_REPLICA_URL
    ? createReplicaPool(env.DATABASE_REPLICA_URL, 10, (e) =>
        logger.warn({ err: e.message }, 'postgres replica pool error'),
      )
    : null;
  if (replicaPool && tracingEnabled()) tracePool(replicaPool, 'replica');
  const knowledge = createKnowledge({
    pool,
    replica: replicaPool,
    redis: tracingEnabled() ? traceCacheRedis(redis) : redis,
    prefix: `${redisPrefix}kb:`,
  });
  const tracedKnowledge = tracingEnabled() ? traceKnowledge(knowledge) : knowledge;
  const decide: TDecide = (input) => decideTurn({ ...input, knowledge: tracedKnowledge });
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
    guards: createLookupGuards(redis, `${redisPrefix}guard:`),
    shadow: createShadowScorer({ registry, nlu, store: shadowStore, logger }),
    customerTokenSecret: env.CUSTOMER_TOKEN_SECRET,
    helpCenterUrl: env.HELP_CENTER_URL,
    onTurn: (t) => {
      metrics.turns.inc({ intent: t.intent, variant: t.variant ?? '', escalated: String(t.escalated) });
      metrics.turnSeconds.observe(t.latencyMs / 1000);
    },
  });

  // Per-request logs would cost more than the turn at thousands of turns/s; errors are logged by the handler.
  // API key lookups have connections of their own: a burst of them (a flood of new keys, up to the
  // address throttle) must not queue the turns' statements behind it in the turn pool.
  const authPool = createPool(env.DATABASE_URL, 2, (e) =>
    logger.warn({ err: e.message }, 'postgres auth pool error'),
  );
  // Behind a breaker of its own as the turn pool is: an unknown key while PostgreSQL is away is refused
  // 503 with Retry-After at once, not a 500 after a connect attempt.
  guardPool(authPool, { onRejected: () => metrics.dbRefused.inc() });
  const auth = new ApiKeyAuth(createDb(authPool));
  const refuseEarly = createEarlyRefusals({
    auth,
    behindProxy: env.TRUST_PROXY !== false,
    onRefusal: (status) => metrics.errors.inc({ code: String(status) }),
  });
  const app = Fastify({
    serverFactory: (handler) =>
      createServer((req, res) => {
        // Every answer carries its request id, those sent without Fastify too (early refusals, its 503
        // while closing): it is what a storefront developer quotes to us about a failed request.
        res.setHeader(REQUEST_ID_HEADER, requestIdOf(req));
        if (!refuseEarly(req, res)) handler(req, res);
      }),
    // Fastify's own ids count per process (req-1, req-2, …): every worker and replica repeats them.
    genReqId: requestIdOf,
    requestIdHeader: false,
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: env.BODY_LIMIT_BYTES,
    trustProxy: env.TRUST_PROXY,
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
  installCors(app);
  registerRoutes(app, {
    db,
    sessions,
    idempotency: new IdempotencyStore(redis, `${redisPrefix}idem:`),
    auth,
    registry,
    handleTurn,
    version: SERVING_VERSION,
    limiter: new RateLimiter(
      redis,
      {
        perSessionPerMinute: env.RATE_LIMIT_SESSION_PER_MINUTE,
        perKeyPerMinute: env.RATE_LIMIT_KEY_PER_MINUTE,
        perAddressPerMinute: env.RATE_LIMIT_ADDRESS_PER_MINUTE,
      },
      `${redisPrefix}rl:`,
      env.TURN_GATHER_MS,
    ),
    schemas: makeChatSchemas(env.MAX_TEXT_LENGTH),
  });

  await registry
    .reconcile()
    .catch((e) => logger.error({ err: (e as Error).message }, 'initial model load failed'));
  const watcher = watchRegistry({ registry, subscriber, pollMs: env.MODEL_POLL_MS, logger });
  // The console's registry page lists each worker with the versions it answers with (hot path's client:
  // it fails fast, and a failed report is only logged).
  const heartbeat = startReplicaHeartbeat({
    redis,
    prefix: redisPrefix,
    registry,
    logger,
    pollMs: env.MODEL_POLL_MS,
  });
  registry.onRoutingChange = () => void heartbeat.beat();
  // A key revoked in the console is forgotten by every replica at once, not when its cache entry ages out.
  subscriber.on('message', (channel, id) => {
    if (channel === API_KEY_REVOKED_CHANNEL) auth.forgetKey(id);
  });
  subscriber
    .subscribe(API_KEY_REVOKED_CHANNEL)
    .catch((e) =>
      logger.warn({ err: (e as Error).message }, 'key revocations unavailable; cache expiry only'),
    );

  return {
    app,
    registry,
    publisher,
    metrics,
    flushShadows: () => shadowStore.flush(),
    async close() {
      await app.close();
      products.stop();
      await heartbeat.stop();
      await watcher.stop();
      await publisher.close();
      await registry.close();
      await shadowStore.flush();
      redis.disconnect();
      queueRedis.disconnect();
      await Promise.all([pool.end(), registryPool.end(), authPool.end(), replicaPool?.end()]).catch(
        () => undefined,
      );
      await tracing?.shutdown();
    },
  };
}
