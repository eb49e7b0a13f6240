import 'server-only';
import { createRetrainClient, type TRetrainClient } from '@acsa/pipelines/retrain';
import { db } from './db';
import { queueDeps } from './queues';

const holder = globalThis as unknown as { acsaRetrain?: TRetrainClient };

/** The retrain client (BullMQ flow producer), made on first use: pages that never retrain never open Redis. */
export function retrainClient(): TRetrainClient {
  holder.acsaRetrain ??= createRetrainClient({ prisma: db(), ...queueDeps() });
  return holder.acsaRetrain;
}
