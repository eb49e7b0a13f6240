import type { TStepProgress } from '@acsa/pipelines';

export type TLogLevel = TStepProgress['logs'][number]['level'];

/** How a step tells its run how far it is and what it did; the same in-process and in a sandbox. */
export type TReporter = {
  progress(percent: number, detail?: string): void;
  log(message: string, level?: TLogLevel): void;
  /** Sends what is pending; a step awaits it before returning so its last lines are not lost. */
  flush(): Promise<void>;
};

/**
 * Reports through BullMQ job progress, at most every `intervalMs`: a training loop calls back thousands of
 * times, and each report is a Redis write and a PostgreSQL write. Warnings and errors go out at once.
 */
export function createReporter(
  job: { updateProgress(value: object): Promise<void> },
  options: { intervalMs?: number } = {},
): TReporter {
  const intervalMs = options.intervalMs ?? 500;
  let percent = 0;
  let detail: string | undefined;
  let logs: TStepProgress['logs'] = [];
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dirty) return chain;
    const value: TStepProgress = { percent, ...(detail ? { detail } : {}), logs };
    logs = [];
    dirty = false;
    // Progress is advisory: a failed report must not fail the step.
    chain = chain.then(() => job.updateProgress(value)).catch(() => undefined);
    return chain;
  };
  const schedule = (now = false) => {
    dirty = true;
    if (now) void send();
    else if (!timer) timer = setTimeout(send, intervalMs);
  };
  return {
    progress(p, d) {
      const next = Math.max(0, Math.min(100, Math.round(p * 10) / 10));
      if (next === percent && d === detail) return;
      percent = next;
      detail = d;
      schedule();
    },
    log(message, level = 'info') {
      logs.push({ level, message, at: new Date().toISOString() });
      schedule(level === 'warn' || level === 'error');
    },
    flush: () => send(),
  };
}
