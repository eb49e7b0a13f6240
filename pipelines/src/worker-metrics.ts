import type { MetricsOptions } from 'bullmq';

/**
 * BullMQ's per-minute counts of finished jobs, which the console's queues page reads as throughput. Every
 * Worker of the product is created with these options: a worker without them counts nothing, so its
 * queue's throughput reads as zero while it works, and workers of one queue with different sizes trim
 * each other's history (BullMQ's own warning). A week of minutes is about 60 KB of Redis per queue.
 * The value is MetricsTime.ONE_WEEK, written out so that this contracts module loads no BullMQ code.
 */
export const WORKER_METRICS = { metrics: { maxDataPoints: 7 * 24 * 60 } } as const satisfies {
  metrics: MetricsOptions;
};
