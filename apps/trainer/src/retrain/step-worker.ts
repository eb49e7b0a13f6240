import { type TRetrainStep, type TStepTimeouts, ZRetrainStepJob } from '@acsa/pipelines';
import { type Job, type Processor, Worker, type WorkerOptions } from 'bullmq';

/** What this worker uses of BullMQ's pool of sandboxed processes (a private field of Worker in 6.x). */
type TChildPool = {
  retained: Record<number, unknown>;
  kill(child: unknown, signal: 'SIGKILL'): Promise<void>;
};

export type TStepWorkerOptions = WorkerOptions & { timeouts: TStepTimeouts };

function duration(ms: number): string {
  if (ms >= 3_600_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 120_000) return `${+(ms / 60_000).toFixed(1)} min`;
  return `${+(ms / 1000).toFixed(1)} s`;
}

/** An attempt that ran past its step's time limit; retried like any other failure. */
export class StepTimeoutError extends Error {
  constructor(step: TRetrainStep, limitMs: number, killed: boolean) {
    super(
      `timed out after ${duration(limitMs)} (the ${step} step's limit, STEP_TIMEOUTS_MS)` +
        (killed ? '; its process was killed' : ''),
    );
    this.name = 'StepTimeoutError';
  }
}

/**
 * A worker of retraining steps that fails an attempt still running at its step's time limit (BullMQ has
 * no job timeout). A sandboxed attempt's process is killed with SIGKILL, since a hung step may answer
 * nothing else, and the failure waits for it to exit: no attempt outlives its failure, and the retry
 * never races it. An in-process attempt (database work) cannot be killed: it is failed at the limit and
 * left to finish or fail on its own, so its retry may overlap it: the snapshot (which locks its run's
 * row), register (whose name derives from the run) and promote (which locks its step's row and records
 * its result with its alias moves) steps then find the first attempt's work instead of writing it twice;
 * the gate writes the same decision twice.
 */
export class StepWorker extends Worker {
  private readonly timeouts: TStepTimeouts;
  private readonly pool: TChildPool | null;

  constructor(queue: string, processor: string | Processor, opts: TStepWorkerOptions) {
    const { timeouts, ...workerOpts } = opts;
    super(queue, processor, workerOpts);
    this.timeouts = timeouts;
    if (typeof processor !== 'string') {
      this.pool = null;
      return;
    }
    // With one attempt at a time, the pool's one retained process is the timed-out attempt's.
    if ((workerOpts.concurrency ?? 1) !== 1)
      throw new Error('a sandboxed step worker runs one step at a time (concurrency 1)');
    const pool = (this as unknown as { childPool?: TChildPool }).childPool;
    if (!pool?.retained) throw new Error("BullMQ's pool of sandboxed processes is not where it was");
    this.pool = pool;
  }

  protected override async callProcessJob(job: Job, token: string, signal?: AbortSignal) {
    const parsed = ZRetrainStepJob.safeParse(job.data);
    const attempt = super.callProcessJob(job, token, signal);
    // A payload that does not parse fails in the processor, at once.
    if (!parsed.success) return attempt;
    const { step } = parsed.data;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StepTimeoutError(step, this.timeouts[step], this.pool !== null)),
        this.timeouts[step],
      );
    });
    try {
      return await Promise.race([attempt, limit]);
    } catch (e) {
      if (e instanceof StepTimeoutError) await this.kill(attempt);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the attempt's process and waits for the attempt to end (it may still be starting one). */
  private async kill(attempt: Promise<unknown>): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    const ended = attempt.then(
      () => true,
      () => true,
    );
    for (;;) {
      await Promise.all(Object.values(pool.retained).map((child) => pool.kill(child, 'SIGKILL')));
      const done = await Promise.race([ended, new Promise<false>((r) => setTimeout(r, 250, false))]);
      if (done) return;
    }
  }
}
