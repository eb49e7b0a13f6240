import { forPeople } from '@acsa/core/deadline';
import { contextForRun, withSpan } from '@acsa/core/tracing';
import { type TRetrainStep, type TStepTimeouts, ZRetrainStepJob } from '@acsa/pipelines';
import { type Job, type Processor, Worker, type WorkerOptions } from 'bullmq';
import { stepSeconds } from '../metrics.ts';
import { isStepCancelled, StepCancelledError } from './step-cancelled.ts';

/** What this worker uses of BullMQ's pool of sandboxed processes (a private field of Worker in 6.x). */
type TChildPool = {
  retained: Record<number, unknown>;
  kill(child: unknown, signal: 'SIGKILL'): Promise<void>;
};

export type TStepWorkerOptions = WorkerOptions & {
  timeouts: TStepTimeouts;
  /** Whether a run was cancelled (PostgreSQL): a step of such a run stops before it starts. */
  stopReason?: (runId: string) => Promise<string | null>;
};

const settled = (p: Promise<unknown>): Promise<void> =>
  p.then(
    () => undefined,
    () => undefined,
  );

/** An attempt that ran past its step's time limit; retried like any other failure. */
export class StepTimeoutError extends Error {
  constructor(step: TRetrainStep, limitMs: number, killed: boolean) {
    super(
      `timed out after ${forPeople(limitMs)} (the ${step} step's limit, STEP_TIMEOUTS_MS)` +
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
 *
 * A step of a cancelled run stops the same way, and fails without a retry: `cancelRun` aborts the signal
 * BullMQ gives the attempt; a sandboxed attempt is killed (a training loop answers no message until it
 * ends), an in-process one is waited for (it is database work of seconds; register and promote refuse a
 * cancelled run themselves). A step that starts after its run was cancelled stops at once.
 */
export class StepWorker extends Worker {
  private readonly timeouts: TStepTimeouts;
  private readonly stopReason: (runId: string) => Promise<string | null>;
  private readonly pool: TChildPool | null;
  /** The run of each step job this worker is executing, by job id. */
  private readonly executing = new Map<string, string>();

  constructor(queue: string, processor: string | Processor, opts: TStepWorkerOptions) {
    const { timeouts, stopReason, ...workerOpts } = opts;
    super(queue, processor, workerOpts);
    this.timeouts = timeouts;
    this.stopReason = stopReason ?? (async () => null);
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

  /** The runs this worker is executing a step of. */
  activeRuns(): string[] {
    return [...new Set(this.executing.values())];
  }

  /** Stops the run's executing step, if this worker has one; true when it had. */
  cancelRun(runId: string, reason = 'the run was cancelled'): boolean {
    let found = false;
    for (const [jobId, r] of this.executing) if (r === runId) found = this.cancelJob(jobId, reason) || found;
    return found;
  }

  /**
   * Each attempt is a `retrain.<step>` span in its run's trace (trace id = the run's id, so a run's trace is
   * found by its id) and an observation of acsa_retrain_step_seconds, sandboxed steps included: both are
   * taken here, in the trainer, around the child process.
   */
  protected override async callProcessJob(job: Job, token: string, signal?: AbortSignal) {
    const parsed = ZRetrainStepJob.safeParse(job.data);
    // A payload that does not parse fails in the processor, at once.
    if (!parsed.success) return super.callProcessJob(job, token, signal);
    const { step, runId } = parsed.data;
    const started = performance.now();
    let outcome = 'failed';
    if (job.id) this.executing.set(job.id, runId);
    try {
      const result = await withSpan(
        `retrain.${step}`,
        async () => {
          const stop = await this.stopReason(runId);
          if (stop) throw new StepCancelledError(stop);
          return this.limited(step, super.callProcessJob(job, token, signal), signal);
        },
        {
          parent: contextForRun(runId),
          attributes: { 'acsa.run_id': runId, 'acsa.step': step, 'acsa.attempt': job.attemptsMade + 1 },
        },
      );
      outcome = 'completed';
      return result;
    } catch (e) {
      if (isStepCancelled(e)) outcome = 'cancelled';
      throw e;
    } finally {
      if (job.id) this.executing.delete(job.id);
      stepSeconds.observe({ step, outcome }, (performance.now() - started) / 1000);
    }
  }

  private async limited(step: TRetrainStep, attempt: Promise<unknown>, signal?: AbortSignal) {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StepTimeoutError(step, this.timeouts[step], this.pool !== null)),
        this.timeouts[step],
      );
    });
    let onAbort = () => {};
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () =>
        reject(new StepCancelledError(typeof signal?.reason === 'string' ? signal.reason : undefined));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([attempt, limit, cancelled]);
    } catch (e) {
      if (e instanceof StepTimeoutError) await this.kill(attempt);
      // An in-process attempt still has its time limit while it winds down.
      if (isStepCancelled(e))
        await (this.pool ? this.kill(attempt) : Promise.race([settled(attempt), settled(limit)]));
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Kills the attempt's process and waits for the attempt to end (it may still be starting one). */
  private async kill(attempt: Promise<unknown>): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    const ended = settled(attempt).then(() => true);
    for (;;) {
      await Promise.all(Object.values(pool.retained).map((child) => pool.kill(child, 'SIGKILL')));
      const done = await Promise.race([ended, new Promise<false>((r) => setTimeout(r, 250, false))]);
      if (done) return;
    }
  }
}
