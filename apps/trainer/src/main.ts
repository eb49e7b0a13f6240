import { createLogger } from '@acsa/core/logger';
import { createPrisma } from '@acsa/db';
import { QUEUES } from '@acsa/pipelines';
import { attachDeadLetters } from '@acsa/pipelines/dead-letters';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startAnalytics } from './analytics/analytics-worker.ts';
import { loadEnv } from './env.ts';
import { createHealthServer } from './health-server.ts';
import { createTrainer } from './trainer.ts';

const env = loadEnv();
const logger = createLogger({
  name: 'trainer',
  level: env.LOG_LEVEL,
  pretty: env.NODE_ENV === 'development',
});
const prisma = createPrisma({ url: env.DATABASE_URL, max: 8 });
const trainer = await createTrainer({
  prisma,
  redisUrl: env.REDIS_URL,
  prefix: env.QUEUE_PREFIX,
  workDir: env.TRAINER_WORK_DIR,
  logger,
  concurrency: env.TRAINER_CONCURRENCY,
  backoffMs: env.STEP_BACKOFF_MS,
  auto: { mode: env.RETRAIN_AUTO_MODE, preset: env.RETRAIN_PRESET },
  triggers: {
    labelThreshold: env.LABEL_TRIGGER_COUNT,
    labelCheckEveryMs: env.LABEL_TRIGGER_COUNT > 0 ? env.LABEL_CHECK_EVERY_MS : null,
    retrainCron: env.RETRAIN_CRON === 'off' ? null : env.RETRAIN_CRON,
  },
});
const analyticsConnection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
analyticsConnection.on('error', () => undefined);
const deadLetters = new Queue(QUEUES.deadLetters, {
  connection: analyticsConnection,
  prefix: env.QUEUE_PREFIX,
});
const analytics = startAnalytics({
  prisma,
  connection: analyticsConnection,
  prefix: env.QUEUE_PREFIX,
  logger,
});
attachDeadLetters(analytics.worker, deadLetters, (e) =>
  logger.error({ err: e.message }, 'dead letter not written'),
);

const server = createHealthServer(async () => {
  await Promise.all([trainer.redis.ping(), prisma.$queryRaw`SELECT 1`]);
  return { service: 'trainer' };
});
server.listen(env.TRAINER_PORT, env.HOST, () =>
  logger.info({ port: env.TRAINER_PORT, workDir: env.TRAINER_WORK_DIR }, 'trainer up'),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void Promise.allSettled([trainer.close(), analytics.close(), deadLetters.close()])
      .then(() => prisma.$disconnect())
      .finally(() => {
        analyticsConnection.disconnect();
        process.exit(0);
      });
  });
}
