import 'server-only';
import { createRetrainClient, type TRetrainClient } from '@acsa/pipelines/retrain';
import { loadEnv } from '../env';
import { db } from './db';

const holder = globalThis as unknown as { acsaRetrain?: TRetrainClient };

/** The retrain client (BullMQ flow producer), made on first use: pages that never retrain never open Redis. */
export function retrainClient(): TRetrainClient {
  const env = loadEnv();
  holder.acsaRetrain ??= createRetrainClient({
    prisma: db(),
    connection: { url: env.REDIS_URL, maxRetriesPerRequest: 1, connectTimeout: 2_000 },
    prefix: env.QUEUE_PREFIX,
  });
  return holder.acsaRetrain;
}
