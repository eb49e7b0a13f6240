import type { PrismaClient } from '@acsa/db';
import { isActiveRun, runState, type TRunLog, type TRunState } from './run-state.ts';

export type TRunEvent =
  | { event: 'run'; data: Omit<TRunState, 'logs'> }
  | { event: 'log'; data: TRunLog[] }
  | { event: 'gone'; data: { id: string } };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * A run's changes as they happen, for a server-sent event stream: the run with its steps whenever they
 * change, and new log lines, read from PostgreSQL every `intervalMs` (what the trainer writes is the
 * truth; no second channel to keep in step). Ends once the run has finished, no step of it is still
 * stopping and its last lines are out, or when `signal` aborts (the browser went away). A run cancelled in
 * the middle of a step is followed until the trainer has stopped that step, for `settleMs` at most (a
 * trainer that died leaves it running for good).
 */
export async function* runEvents(
  prisma: PrismaClient,
  id: string,
  opts: { intervalMs?: number; signal?: AbortSignal; afterLogId?: number; settleMs?: number } = {},
): AsyncGenerator<TRunEvent> {
  let lastLog = opts.afterLogId ?? 0;
  let lastRun = '';
  let endedAt: number | null = null;
  while (!opts.signal?.aborted) {
    const state = await runState(prisma, id, { afterLogId: lastLog, logLimit: 500 });
    if (!state) {
      yield { event: 'gone', data: { id } };
      return;
    }
    const { logs, ...rest } = state;
    const snapshot = JSON.stringify(rest);
    if (snapshot !== lastRun) {
      lastRun = snapshot;
      yield { event: 'run', data: rest };
    }
    if (logs.length) {
      lastLog = logs[logs.length - 1]!.id;
      yield { event: 'log', data: logs };
    }
    // A finished run writes nothing more once its steps are closed; a full page of logs means there may be
    // more right now.
    if (!isActiveRun(rest.run.status) && logs.length < 500) {
      endedAt ??= Date.now();
      const stopping = rest.steps.some((st) => st.status === 'RUNNING');
      if (!stopping || Date.now() - endedAt > (opts.settleMs ?? 60_000)) return;
    }
    if (logs.length < 500) await sleep(opts.intervalMs ?? 500, opts.signal);
  }
}
