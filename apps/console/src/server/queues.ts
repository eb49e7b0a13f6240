import 'server-only';
import type { TQueueDeps } from '@acsa/pipelines/dead-letters';
import { loadEnv } from '../env';

/**
 * Where the trainer's queues live; each read opens its connections and closes them when done. No command
 * timeout: a retraining flow's MULTI that timed out on a slow Redis would still be applied after the run was
 * marked failed, and a second run started beside it.
 */
export function queueDeps(): TQueueDeps {
  const env = loadEnv();
  return {
    connection: { url: env.REDIS_URL, maxRetriesPerRequest: 1, connectTimeout: 2_000 },
    prefix: env.QUEUE_PREFIX,
  };
}
