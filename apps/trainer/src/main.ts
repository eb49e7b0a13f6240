import { createLogger } from '@acsa/core/logger';
import { startTrainerApp } from './app.ts';
import { loadEnv } from './env.ts';
import { createHealthServer } from './health-server.ts';

const env = loadEnv();
const logger = createLogger({
  name: 'trainer',
  level: env.LOG_LEVEL,
  pretty: env.NODE_ENV === 'development',
});
const app = await startTrainerApp({ env, logger });
const server = createHealthServer(async () => {
  await app.check();
  return { service: 'trainer' };
});
server.listen(env.TRAINER_PORT, env.HOST, () =>
  logger.info({ port: env.TRAINER_PORT, workDir: env.TRAINER_WORK_DIR }, 'trainer up'),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
