import { createLogger } from '@acsa/core/logger';
import { loadEnvOrExit } from './env.ts';
import { lowerPriority } from './nice.ts';

const env = loadEnvOrExit();
const logger = createLogger({
  name: 'trainer',
  level: env.LOG_LEVEL,
  pretty: env.NODE_ENV === 'development',
});
// Before the app is compiled and loaded (seconds of CPU at each start), and before it starts any process.
const niceRefused = lowerPriority(env.TRAINER_NICE);
if (niceRefused)
  logger.warn({ err: niceRefused, nice: env.TRAINER_NICE }, 'could not lower the trainer CPU priority');
const [{ startTrainerApp }, { createHealthServer }] = await Promise.all([
  import('./app.ts'),
  import('./health-server.ts'),
]);
const app = await startTrainerApp({ env, logger });
const server = createHealthServer(
  async () => {
    await app.check();
    return { service: 'trainer' };
  },
  app.metrics,
  [env.DATABASE_URL, env.REDIS_URL],
);
server.listen(env.TRAINER_PORT, env.HOST, () =>
  logger.info({ port: env.TRAINER_PORT, workDir: env.TRAINER_WORK_DIR }, 'trainer up'),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
