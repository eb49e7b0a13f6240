import { createLogger } from '@acsa/core/logger';
import { loadEnv } from './env.ts';
import { buildServer } from './server.ts';

const env = loadEnv();
const logger = createLogger({ name: 'serving', level: env.LOG_LEVEL, pretty: env.NODE_ENV === 'development' });
const app = buildServer({ logger, version: '0.1.0' });

await app.listen({ port: env.PORT, host: env.HOST });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
