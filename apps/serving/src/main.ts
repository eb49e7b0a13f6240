import cluster from 'node:cluster';
import { createLogger } from '@acsa/core/logger';
import type { TMetricsSource } from '@acsa/core/metrics-http';
import { superviseWorkers } from './cluster/supervise-workers.ts';
import { loadEnvOrExit } from './env.ts';
import { reportToPrimary, workerMetrics } from './http/metrics.ts';
import { createMetricsServer, listenMetrics } from './http/metrics-server.ts';
import { installDrain } from './shutdown/drain.ts';

const env = loadEnvOrExit();
const logger = createLogger({
  name: 'serving',
  level: env.LOG_LEVEL,
  pretty: env.NODE_ENV === 'development',
});

/** The scrape port, bound before the API's: a taken METRICS_PORT stops serving before it takes turns. */
async function serveMetrics(source: TMetricsSource): Promise<void> {
  const port = await listenMetrics(createMetricsServer(source), env.METRICS_PORT, env.HOST);
  logger.info({ port, host: env.HOST }, 'metrics listening');
}

// SERVING_WORKERS processes share the port (the primary hands out connections); each loads the model,
// watches the registry and keeps its own caches and metrics, which the primary merges and serves on
// METRICS_PORT. One worker runs in-process, without a primary, and serves its own.
if (env.SERVING_WORKERS > 1 && cluster.isPrimary) {
  logger.info({ workers: env.SERVING_WORKERS, port: env.PORT }, 'starting serving workers');
  await serveMetrics(workerMetrics());
  const supervisor = superviseWorkers({ cluster, workers: env.SERVING_WORKERS, logger });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      supervisor.stop();
      // The signal itself, not worker.kill(): that disconnects the worker first, which closes its
      // connections under the turns in flight. Each worker drains, then exits; the primary waits for all
      // (a worker whose primary is gone exits at once) and gives up a second after the workers' own limit.
      for (const w of Object.values(cluster.workers ?? {}))
        if (w?.process.pid) process.kill(w.process.pid, 'SIGTERM');
      setTimeout(() => process.exit(0), env.SHUTDOWN_TIMEOUT_MS + 1_000).unref();
      const noneLeft = () => Object.keys(cluster.workers ?? {}).length === 0;
      // None at all while a crashed one waits out its backoff: nothing to wait for.
      if (noneLeft()) process.exit(0);
      cluster.on('exit', () => {
        if (noneLeft()) process.exit(0);
      });
    });
  }
} else {
  if (cluster.isWorker) reportToPrimary();
  // Imported here so the primary, which only forks and serves the merged metrics, never loads ONNX
  // Runtime, pg or BullMQ (~100 MB).
  const { createServingApp } = await import('./app.ts');
  const serving = await createServingApp({ env, logger, redisPrefix: env.REDIS_PREFIX });
  const { drain } = installDrain(serving.app);
  // A cluster worker's metrics reach the scraper through the primary's port.
  if (!cluster.isWorker) await serveMetrics(serving.metrics);
  await serving.app.listen({ port: env.PORT, host: env.HOST });
  let stopping = false;
  const stop = async () => {
    // A worker gets the signal twice when a terminal sends it to the whole group: one shutdown.
    if (stopping) return;
    stopping = true;
    logger.info('draining before shutdown');
    try {
      await drain({ idleGraceMs: 1_000, timeoutMs: env.SHUTDOWN_TIMEOUT_MS });
      await serving.close();
    } catch (e) {
      logger.error({ err: (e as Error).message }, 'shutdown failed');
    }
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
}
