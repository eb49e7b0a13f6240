import type { Metrics, Queue } from 'bullmq';

const MINUTE_MS = 60_000;
/** The window the queues page reports: the current minute and the 59 before it. */
export const THROUGHPUT_MINUTES = 60;

export type TThroughput = {
  /** Jobs finished per minute, oldest first; the last entry is the current (partial) minute. */
  completed: number[];
  /** Jobs that failed for good (retries exhausted or unrecoverable), per minute, oldest first. */
  failed: number[];
  completedTotal: number;
  failedTotal: number;
  /** Averages over the whole window, in jobs per minute. */
  completedPerMinute: number;
  failedPerMinute: number;
};

/**
 * One minute count per minute of the window from BullMQ's metrics of a queue. BullMQ writes a minute's
 * count into its list only when a job finishes in a later minute: until then the jobs of the minute of
 * the last write (`prevTS`) are `count - prevCount` in the hash, and the list's head is the minute before
 * it. Reading only the list would lose the latest minute, and with it every job of a burst that ended.
 */
export function minuteCounts(m: Metrics, now: number, minutes = THROUGHPUT_MINUTES): number[] {
  const out = new Array<number>(minutes).fill(0);
  if (!m.meta.prevTS) return out;
  const current = Math.floor(now / MINUTE_MS);
  const first = current - minutes + 1;
  // A worker's clock a little ahead of this one's: its latest minute counts as now.
  const latest = Math.min(Math.floor(m.meta.prevTS / MINUTE_MS), current);
  const put = (minute: number, n: number) => {
    if (minute >= first && minute <= current) out[minute - first] = (out[minute - first] ?? 0) + n;
  };
  put(latest, Math.max(0, m.meta.count - m.meta.prevCount));
  for (const [i, n] of m.data.entries()) put(latest - 1 - i, n);
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Throughput of a queue over the last hour, from the per-minute metrics its workers keep (WORKER_METRICS).
 * Only the list entries that can fall inside the window are read.
 */
export async function readThroughput(queue: Queue, now = Date.now()): Promise<TThroughput> {
  const [done, failedMetrics] = await Promise.all([
    queue.getMetrics('completed', 0, THROUGHPUT_MINUTES - 1),
    queue.getMetrics('failed', 0, THROUGHPUT_MINUTES - 1),
  ]);
  const completed = minuteCounts(done, now);
  const failed = minuteCounts(failedMetrics, now);
  const completedTotal = sum(completed);
  const failedTotal = sum(failed);
  return {
    completed,
    failed,
    completedTotal,
    failedTotal,
    completedPerMinute: completedTotal / THROUGHPUT_MINUTES,
    failedPerMinute: failedTotal / THROUGHPUT_MINUTES,
  };
}
