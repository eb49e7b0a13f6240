import 'server-only';
import type { TQueueDeps } from '@acsa/pipelines/dead-letters';
import { loadEnv } from '../env';

/**
 * Where the trainer's queues live; each read opens its connections and closes them when done. A Redis that
 * takes connections and never answers fails a page or action in seconds (commandTimeout), not never.
 */
export function queueDeps(): TQueueDeps {
  const env = loadEnv();
  return {
    connection: { url: env.REDIS_URL, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 5_000 },
    prefix: env.QUEUE_PREFIX,
  };
}
