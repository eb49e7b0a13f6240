import type { Logger } from '@acsa/core/logger';
import { startTracing } from '@acsa/core/tracing';
import { createPrisma } from '@acsa/db';
import { PRODUCTION_ALIAS, QUEUES } from '@acsa/pipelines';
import { attachDeadLetters } from '@acsa/pipelines/dead-letters';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startAnalytics } from './analytics/analytics-worker.ts';
import { TRAINER_DB_LIMITS } from './db-limits.ts';
import { scheduleDriftChecks, startDriftWorker } from './drift/drift-worker.ts';
import type { TTrainerEnv } from './env.ts';
import { createTrainerMetrics, type TTrainerMetrics } from './metrics.ts';
import { createTrainer, type TTrainer } from './trainer.ts';
import { retrainOnDrift } from './triggers/drift-trigger.ts';
import { keepScheduled } from './triggers/schedules.ts';
import { startSearchIndexUpkeep } from './upkeep/search-index.ts';

export type TTrainerApp = {
  trainer: TTrainer;
  /** Redis and PostgreSQL answer: what the health endpoint reports. */
  check(): Promise<void>;
  /** Prometheus metrics: step durations, gate decisions, queue depths, drift figures. */
  metrics: TTrainerMetrics;
  close(): Promise<void>;
};

/**
 * Everything the trainer process runs: the retraining flow and its triggers, the analytics worker on
 * serving's interaction events, the drift checks whose alerts start retraining runs, and the upkeep of the
 * conversation search index. Every worker sends what exhausts its retries to the dead-letter queue.
 */
export async function startTrainerApp({
  env,
  logger,
}: {
  env: TTrainerEnv;
  logger: Logger;
}): Promise<TTrainerApp> {
  // Off unless OTEL_* asks: then analytics continues serving's turn traces and each run is a trace.
  const tracing = await startTracing({ serviceName: 'acsa-trainer', env });
  const prisma = createPrisma({
    url: env.DATABASE_URL,
    max: 8,
    ...TRAINER_DB_LIMITS,
    onSilentDropped: ({ pid, waitedMs }) =>
      logger.warn(
        { pid, waitedMs },
        'dropped a PostgreSQL connection its server no longer knows (a failover?): its statement fails and is retried',
      ),
  });
  const prefix = env.QUEUE_PREFIX;
  const trainer = await createTrainer({
    prisma,
    redisUrl: env.REDIS_URL,
    prefix,
    workDir: env.TRAINER_WORK_DIR,
    logger,
    concurrency: env.TRAINER_CONCURRENCY,
    backoffMs: env.STEP_BACKOFF_MS,
    stepTimeoutsMs: env.STEP_TIMEOUTS_MS,
    stalledCheck: {
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: env.WORKER_MAX_STALLED_COUNT,
    },
    auto: { mode: env.RETRAIN_AUTO_MODE, preset: env.RETRAIN_PRESET },
    triggers: {
      labelThreshold: env.LABEL_TRIGGER_COUNT,
      labelCheckEveryMs: env.LABEL_TRIGGER_COUNT > 0 ? env.LABEL_CHECK_EVERY_MS : null,
      experimentCheckEveryMs: env.EXPERIMENT_CHECK_EVERY_MS || null,
      retrainCron: env.RETRAIN_CRON === 'off' ? null : env.RETRAIN_CRON,
      runDirRetentionDays: env.RUN_DIR_RETENTION_DAYS,
    },
  });
  // Analytics and drift workers block on Redis: their own connection, which waits out reconnects.
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const deadLetters = new Queue(QUEUES.deadLetters, { connection, prefix });
  const lost = (e: Error) => logger.error({ err: e.message }, 'dead letter not written');
  const analytics = startAnalytics({ prisma, connection, prefix, logger });
  attachDeadLetters(analytics.worker, deadLetters, lost);
  const onDrift = retrainOnDrift({
    prisma,
    requestRetrain: trainer.requestRetrain,
    productionVersionId: async () =>
      (await prisma.modelAlias.findUnique({ where: { name: PRODUCTION_ALIAS } }))?.modelVersionId ?? null,
    cooldownMs: env.DRIFT_RETRAIN_COOLDOWN_MS,
  });
  const drift = startDriftWorker({
    prisma,
    connection,
    prefix,
    logger,
    onAlert: async (alert) => {
      const r = await onDrift(alert);
      if (r?.held)
        logger.warn(
          { run: r.runId, version: alert.modelVersion, reportId: alert.reportId },
          `drift alert, no retrain: ${r.message}`,
        );
      else if (r)
        logger.warn(
          { run: r.runId, started: r.started, version: alert.modelVersion },
          'drift alert: retraining',
        );
      else
        logger.warn(
          { version: alert.modelVersion, reportId: alert.reportId },
          'drift alert on a version production does not answer with: on the drift page, no automatic retrain',
        );
    },
  });
  attachDeadLetters(drift.worker, deadLetters, lost);
  await scheduleDriftChecks({ connection, prefix });
  keepScheduled(
    connection,
    () => scheduleDriftChecks({ connection, prefix }),
    (e) => logger.warn({ err: e.message }, 'drift schedule not put back after a Redis reconnect'),
  );
  const metrics = createTrainerMetrics({ prisma, connection, prefix });
  const searchIndex = startSearchIndexUpkeep({ prisma, logger });
  return {
    trainer,
    metrics,
    async check() {
      await Promise.all([trainer.redis.ping(), prisma.$queryRaw`SELECT 1`]);
    },
    async close() {
      await Promise.allSettled([trainer.close(), analytics.close(), drift.close(), searchIndex.close()]);
      await deadLetters.close();
      connection.disconnect();
      await prisma.$disconnect();
      await tracing?.shutdown();
    },
  };
}
