import { DRIFT_QUEUE } from '../drift-job.ts';
import { QUEUES } from '../queues.ts';
import type { TQueueDeps } from './dead-letter-ops.ts';
import { readQueues } from './queue-reads.ts';
import { readThroughput, type TThroughput } from './queue-throughput.ts';

/** Every queue the apps use, with what each holds, for the console's queues page. */
export const WATCHED_QUEUES = [...Object.values(QUEUES), DRIFT_QUEUE] as const;

const STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;

export type TQueueCounts = {
  name: string;
  paused: boolean;
  counts: Record<(typeof STATES)[number], number>;
  throughput: TThroughput;
};

/**
 * BullMQ's job counts per state and last hour's throughput for each watched queue, all read in parallel:
 * the page waits for the slowest queue, not for the sum of them, and for QUEUE_READ_TIMEOUT_MS at most.
 */
export async function queueCounts(deps: TQueueDeps, now = Date.now()): Promise<TQueueCounts[]> {
  return readQueues(deps, WATCHED_QUEUES, (queues) =>
    Promise.all(
      queues.map(async (queue) => {
        const [counts, paused, throughput] = await Promise.all([
          queue.getJobCounts(...STATES),
          queue.isPaused(),
          readThroughput(queue, now),
        ]);
        return {
          name: queue.name,
          paused,
          throughput,
          counts: Object.fromEntries(STATES.map((s) => [s, counts[s] ?? 0])) as TQueueCounts['counts'],
        };
      }),
    ),
  );
}
