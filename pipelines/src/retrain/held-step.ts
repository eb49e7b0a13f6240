// Test fixture: a trainer's worker that takes the next retraining step and holds it.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES } from '../queues.ts';
import { WORKER_METRICS } from '../worker-metrics.ts';

/**
 * A worker on the retrain queue that takes the next step and holds it until `release`: a step being
 * executed, which BullMQ cannot take off the queue (a cancel must then be announced to the trainers).
 * `taken` resolves once it holds one; `close` releases it and ends the worker and its connection.
 */
export function holdNextStep(redisUrl: string, prefix: string) {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let take!: () => void;
  const taken = new Promise<void>((r) => {
    take = r;
  });
  const worker = new Worker(
    QUEUES.retrain,
    async () => {
      take();
      await held;
      return {};
    },
    // As a trainer's workers are made (the worker-metrics check holds fixtures to it too).
    { connection, prefix, ...WORKER_METRICS },
  );
  return {
    taken,
    async close() {
      release();
      await worker.close(true);
      connection.disconnect();
    },
  };
}
