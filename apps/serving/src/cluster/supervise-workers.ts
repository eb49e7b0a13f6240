import type { Logger } from '@acsa/core/logger';

/** What the supervisor needs of node:cluster's primary (a test passes its own). */
export type TClusterPrimary = {
  fork(): { id: number };
  on(
    event: 'exit',
    listener: (worker: { id: number; process: { pid?: number } }, code: number, signal: string) => void,
  ): unknown;
};

export type TSuperviseOptions = {
  cluster: TClusterPrimary;
  workers: number;
  logger: Logger;
  /** The wait before the first re-fork of a crash loop; it doubles with each quick death, up to `maxMs`. */
  minMs?: number;
  maxMs?: number;
  /** A worker that lived this long was healthy: its death starts the backoff again from `minMs`. */
  stableMs?: number;
};

/**
 * Forks `workers` serving workers and replaces each that dies, after a backoff: re-forked at once, a worker
 * that cannot start (a bad bundle, a port it cannot bind) spun a core on the primary's forks and the
 * workers' module loading, and flooded the log. 1 s doubling to 30 s brings back a worker that died once
 * within a second, and costs a crash loop one start every 30 s; a minute alive counts as healthy, since a
 * worker is up in a few seconds. One backoff for the whole primary: workers that crash together crash for
 * one reason.
 */
export function superviseWorkers({
  cluster,
  workers,
  logger,
  minMs = 1_000,
  maxMs = 30_000,
  stableMs = 60_000,
}: TSuperviseOptions) {
  let stopping = false;
  let nextDelayMs = minMs;
  const bornAt = new Map<number, number>();
  const pending = new Set<NodeJS.Timeout>();
  const fork = () => bornAt.set(cluster.fork().id, Date.now());

  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const livedMs = Date.now() - (bornAt.get(worker.id) ?? Date.now());
    bornAt.delete(worker.id);
    if (livedMs >= stableMs) nextDelayMs = minMs;
    const restartInMs = nextDelayMs;
    nextDelayMs = Math.min(nextDelayMs * 2, maxMs);
    logger.error(
      { pid: worker.process.pid, code, signal, livedMs, restartInMs },
      'serving worker died; starting another',
    );
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!stopping) fork();
    }, restartInMs);
    pending.add(timer);
  });
  return {
    /** No more re-forks, those waiting included: the primary is shutting down. */
    stop() {
      stopping = true;
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}
