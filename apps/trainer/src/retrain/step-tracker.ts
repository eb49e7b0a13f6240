import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import {
  FAILURE_RECORDING_MS,
  parseStepJobId,
  runProgress,
  type TRetrainStep,
  type TStepProgress,
  ZFlowContext,
  ZRetrainStepJob,
  ZStepProgress,
} from '@acsa/pipelines';
import { isFinalFailure, sendToDeadLetters } from '@acsa/pipelines/dead-letters';
import type { Job, Queue, Worker } from 'bullmq';
import { isStepCancelled } from './step-cancelled.ts';

type TStepJob = { runId: string; step: TRetrainStep };

/**
 * Mirrors the life of every step job into PostgreSQL (TrainingStep, TrainingRun progress and status,
 * TrainingLog) from the worker's events, for in-process and sandboxed steps alike: a sandboxed step has
 * no database connection of its own. Writes for one run are applied in event order. A step that fails for
 * the last time goes to the dead-letter queue and fails its run (tried again while PostgreSQL is away). A step stopped because its run was
 * cancelled is closed as skipped, and `onCancelled` clears up after the run (its remaining jobs, its
 * files) once the step's job has left the worker.
 */
export class StepTracker {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly closing = new AbortController();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly deadLetters: Queue,
    private readonly logger: Logger,
    private readonly options: {
      onCancelled?: (runId: string) => Promise<void>;
      /** How a step's final failure is tried again while PostgreSQL is away, and for how long (tests shorten it). */
      recordRetry?: { forMs: number; delayMs: number; maxDelayMs: number };
    } = {},
  ) {}

  /** Tries 1, 2, 4, … 30 s apart for FAILURE_RECORDING_MS, after which the retrain client's check takes over. */
  private get retry() {
    return this.options.recordRetry ?? { forMs: FAILURE_RECORDING_MS, delayMs: 1_000, maxDelayMs: 30_000 };
  }

  attach(worker: Worker): void {
    worker.on('active', (job) => this.on(job, (s) => this.active(job, s)));
    worker.on('progress', (job, value) => this.on(job, (s) => this.progress(s, value)));
    worker.on('completed', (job, result) => this.on(job, (s) => this.completed(job, s, result)));
    worker.on('failed', (job, error) => {
      if (job) this.on(job, (s) => this.failed(job, s, error));
    });
    // Another worker's step whose lock lapsed (its trainer died or hung), taken back to run again.
    worker.on('stalled', (jobId) => {
      const s = parseStepJobId(jobId);
      if (s)
        this.chain(s.runId, () =>
          this.log(
            s,
            'warn',
            `${s.step}: the trainer running it stopped answering (its lock lapsed); the step runs again`,
          ),
        );
    });
  }

  /** Resolves once every event received so far is written (tests and shutdown wait on it). */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.all(this.chains.values());
  }

  /** As idle, but a step's failure that PostgreSQL does not take is not tried again: the trainer stops. */
  async close(): Promise<void> {
    this.closing.abort();
    while (this.chains.size) await Promise.all(this.chains.values());
  }

  private on(job: Job, work: (s: TStepJob) => Promise<void>): void {
    const parsed = ZRetrainStepJob.safeParse(job.data);
    if (parsed.success) this.chain(parsed.data.runId, () => work(parsed.data));
  }

  private chain(runId: string, work: () => Promise<unknown>): void {
    const next = (this.chains.get(runId) ?? Promise.resolve())
      .then(() => work())
      .then(() => undefined)
      .catch((e) => this.logger.error({ runId, err: (e as Error).message }, 'could not record step event'));
    this.chains.set(runId, next);
    void next.finally(() => {
      if (this.chains.get(runId) === next) this.chains.delete(runId);
    });
  }

  private log(s: TStepJob, level: 'info' | 'warn' | 'error', message: string) {
    this.logger[level]({ runId: s.runId, step: s.step }, message);
    return this.prisma.trainingLog.create({ data: { runId: s.runId, step: s.step, level, message } });
  }

  private async syncRunProgress(runId: string) {
    const steps = await this.prisma.trainingStep.findMany({
      where: { runId },
      select: { name: true, progress: true },
    });
    const byStep = Object.fromEntries(steps.map((s) => [s.name, s.progress]));
    await this.prisma.trainingRun.updateMany({
      where: { id: runId, status: 'RUNNING' },
      data: { progress: runProgress(byStep) },
    });
  }

  private async active(job: Job, s: TStepJob) {
    const now = new Date();
    const attempt = Math.max(1, job.attemptsStarted);
    // A step the processor already closed (promote closes itself with its run) stays closed.
    await this.prisma.trainingStep.updateMany({
      where: { runId: s.runId, name: s.step, status: { notIn: ['SUCCEEDED', 'SKIPPED'] } },
      data: { status: 'RUNNING', attempts: attempt, error: null },
    });
    await this.prisma.trainingStep.updateMany({
      where: { runId: s.runId, name: s.step, startedAt: null },
      data: { startedAt: now },
    });
    // QUEUED on a run's first step; FAILED when a dead-lettered step is replayed and the run resumes. A run
    // that failed before it started was given up (RunCancels.stopReason): its step is stopped, not resumed.
    await this.prisma.trainingRun.updateMany({
      where: {
        id: s.runId,
        OR: [{ status: 'QUEUED' }, { status: 'FAILED', startedAt: { not: null } }],
      },
      data: { status: 'RUNNING', error: null, finishedAt: null },
    });
    await this.prisma.trainingRun.updateMany({
      where: { id: s.runId, status: 'RUNNING', startedAt: null },
      data: { startedAt: now },
    });
    await this.log(s, 'info', `${s.step} started (attempt ${attempt} of ${job.opts.attempts ?? 1})`);
  }

  private async progress(s: TStepJob, value: unknown) {
    const parsed = ZStepProgress.safeParse(value);
    if (!parsed.success) return;
    const p: TStepProgress = parsed.data;
    await this.prisma.trainingStep.updateMany({
      where: { runId: s.runId, name: s.step, status: 'RUNNING' },
      data: { progress: p.percent },
    });
    if (p.logs.length)
      await this.prisma.trainingLog.createMany({
        data: p.logs.map((l) => ({
          runId: s.runId,
          step: s.step,
          level: l.level,
          message: l.message,
          at: new Date(l.at),
        })),
      });
    await this.syncRunProgress(s.runId);
  }

  private async completed(job: Job, s: TStepJob, result: unknown) {
    const ctx = ZFlowContext.safeParse(result);
    const output = ctx.success ? (ctx.data[s.step] ?? null) : null;
    const skipped =
      (s.step === 'register' || s.step === 'promote') && ctx.success && ctx.data.gate?.passed === false;
    await this.prisma.trainingStep.update({
      where: { runId_name: { runId: s.runId, name: s.step } },
      data: {
        status: skipped ? 'SKIPPED' : 'SUCCEEDED',
        progress: 100,
        output: output === null ? undefined : (output as object),
        error: null,
        finishedAt: new Date(),
      },
    });
    const seconds = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : null;
    await this.log(
      s,
      'info',
      `${s.step} ${skipped ? 'skipped' : 'done'}${seconds === null ? '' : ` in ${seconds.toFixed(1)} s`}`,
    );
    await this.syncRunProgress(s.runId);
  }

  private async failed(job: Job, s: TStepJob, error: Error) {
    if (isStepCancelled(error)) return this.cancelled(s, error);
    const final = await isFinalFailure(job);
    if (!final) return this.recordFailure(job, s, error, false);
    // The dead letter first: it needs only Redis, which just told of the failure, so the step can be
    // replayed whatever becomes of the rest. Then the run is failed in PostgreSQL, tried again for minutes
    // if it is away: left active, the run would block retraining (should this trainer die or give up, the
    // check of the active run, RetrainClient.failStuck, fails it a minute after FAILURE_RECORDING_MS).
    await sendToDeadLetters(this.deadLetters, job, error);
    const giveUpAt = Date.now() + this.retry.forMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recordFailure(job, s, error, true);
      } catch (e) {
        // Closing, this trainer stops trying: the check of the active run fails the run in its place.
        const delayMs = Math.min(this.retry.maxDelayMs, this.retry.delayMs * 2 ** (attempt - 1));
        if (Date.now() + delayMs > giveUpAt || this.closing.signal.aborted) throw e;
        this.logger.warn(
          { runId: s.runId, step: s.step, err: (e as Error).message, attempt },
          'could not record the step’s failure; trying again',
        );
        await sleep(delayMs, undefined, { signal: this.closing.signal }).catch(() => undefined);
      }
    }
  }

  private async recordFailure(job: Job, s: TStepJob, error: Error, final: boolean) {
    const message = error.message || String(error);
    if (!final) {
      await this.prisma.trainingStep.update({
        where: { runId_name: { runId: s.runId, name: s.step } },
        data: { status: 'PENDING', error: message },
      });
      await this.log(s, 'warn', `${s.step}: attempt ${job.attemptsMade} failed (${message}); retrying`);
      return;
    }
    // A final failure with attempts left was unrecoverable (a dataset name that does not exist): say so.
    const how =
      job.attemptsMade < (job.opts.attempts ?? 1)
        ? 'without a retry (retrying cannot mend it)'
        : `after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}`;
    const line = `${s.step} failed ${how}: ${message}`;
    // One transaction, so a try that PostgreSQL dropped halfway leaves nothing for the next to write twice.
    await this.prisma.$transaction([
      this.prisma.trainingStep.update({
        where: { runId_name: { runId: s.runId, name: s.step } },
        data: { status: 'FAILED', error: message, finishedAt: new Date() },
      }),
      this.prisma.trainingLog.create({
        data: { runId: s.runId, step: s.step, level: 'error', message: line },
      }),
      this.prisma.trainingRun.updateMany({
        where: { id: s.runId, status: { in: ['QUEUED', 'RUNNING'] } },
        data: { status: 'FAILED', error: `${s.step}: ${message}`, finishedAt: new Date() },
      }),
    ]);
    this.logger.error({ runId: s.runId, step: s.step }, line);
  }

  private async cancelled(s: TStepJob, error: Error) {
    await this.prisma.trainingStep.updateMany({
      where: { runId: s.runId, name: s.step, status: { in: ['PENDING', 'RUNNING', 'SKIPPED'] } },
      data: { status: 'SKIPPED', error: `stopped: ${error.message}`, finishedAt: new Date() },
    });
    await this.log(s, 'warn', `${s.step} stopped: ${error.message}`);
    await this.options.onCancelled?.(s.runId);
  }
}
