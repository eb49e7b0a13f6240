import { EventEmitter } from 'node:events';
import { createLogger } from '@acsa/core/logger';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { superviseWorkers, type TClusterPrimary } from './supervise-workers.ts';

/** A cluster primary whose workers die when the test says; it records when each was forked. */
function fakeCluster() {
  const events = new EventEmitter();
  const forkedAt: number[] = [];
  let ids = 0;
  return {
    forkedAt,
    fork() {
      forkedAt.push(Date.now());
      return { id: ++ids };
    },
    on(event: 'exit', listener: Parameters<TClusterPrimary['on']>[1]) {
      events.on(event, listener);
    },
    /** The worker forked last dies. */
    die() {
      events.emit('exit', { id: ids, process: { pid: 1_000 + ids } }, 1, '');
    },
  };
}

const logger = createLogger({ name: 'supervise-test', level: 'silent' });
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

it('restarts a crash-looping worker 1, 2, 4 … 30 s apart instead of at once', async () => {
  const cluster = fakeCluster();
  superviseWorkers({ cluster, workers: 2, logger });
  expect(cluster.forkedAt).toEqual([0, 0]);
  // Each new worker dies as it starts, 8 times running.
  for (let i = 0; i < 8; i++) {
    cluster.die();
    const forks = cluster.forkedAt.length;
    await vi.advanceTimersToNextTimerAsync();
    expect(cluster.forkedAt.length).toBe(forks + 1);
  }
  // Each died as it was forked: the time between restarts is the wait after each death.
  const restarts = cluster.forkedAt.slice(2);
  const gaps = restarts.map((t, i) => t - (restarts[i - 1] ?? 0));
  expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
});

it('starts again from 1 s once a worker has lived a while', async () => {
  const cluster = fakeCluster();
  superviseWorkers({ cluster, workers: 2, logger });
  for (let i = 0; i < 4; i++) {
    cluster.die();
    await vi.advanceTimersToNextTimerAsync();
  }
  const before = cluster.forkedAt.length;
  await vi.advanceTimersByTimeAsync(5 * 60_000);
  cluster.die();
  await vi.advanceTimersByTimeAsync(999);
  expect(cluster.forkedAt.length).toBe(before);
  await vi.advanceTimersByTimeAsync(1);
  expect(cluster.forkedAt.length).toBe(before + 1);
});

it('forks nothing more once stopped, not even a restart already waiting', async () => {
  const cluster = fakeCluster();
  const supervisor = superviseWorkers({ cluster, workers: 2, logger });
  cluster.die();
  supervisor.stop();
  cluster.die();
  await vi.advanceTimersByTimeAsync(60_000);
  expect(cluster.forkedAt).toEqual([0, 0]);
});
