import { createLogger } from '@acsa/core/logger';
import { loadEnv } from './env.ts';
import { createHealthServer } from './health-server.ts';

const env = loadEnv();
const logger = createLogger({
  name: 'trainer',
  level: env.LOG_LEVEL,
  pretty: env.NODE_ENV === 'development',
});
const server = createHealthServer(async () => ({ service: 'trainer' }));
server.listen(env.TRAINER_PORT, env.HOST, () =>
  logger.info({ port: env.TRAINER_PORT }, 'trainer health endpoint up'),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
