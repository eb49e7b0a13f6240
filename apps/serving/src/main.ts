import cluster from 'node:cluster';
import { createLogger } from '@acsa/core/logger';
import { loadEnv } from './env.ts';

const env = loadEnv();
const logger = createLogger({
  name: 'serving',
  level: env.LOG_LEVEL,
  pretty: env.NODE_ENV === 'development',
});

// SERVING_WORKERS processes share the port (the primary hands out connections); each loads the model,
// watches the registry and keeps its own caches. One worker runs in-process, without a primary.
if (env.SERVING_WORKERS > 1 && cluster.isPrimary) {
  logger.info({ workers: env.SERVING_WORKERS, port: env.PORT }, 'starting serving workers');
  for (let i = 0; i < env.SERVING_WORKERS; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'serving worker died; starting another');
    cluster.fork();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
      setTimeout(() => process.exit(0), 5_000).unref();
      cluster.on('exit', () => {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      });
    });
  }
} else {
  // Imported here so the primary, which only forks, never loads ONNX Runtime, pg or BullMQ (~100 MB).
  const { createServingApp } = await import('./app.ts');
  const serving = await createServingApp({ env, logger });
  await serving.app.listen({ port: env.PORT, host: env.HOST });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void serving.close().then(() => process.exit(0));
    });
  }
}
