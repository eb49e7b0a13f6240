import { AppError } from '@acsa/core/errors';
import type { PrismaClient, PromotionMode, RunStatus, TransactionClient } from '@acsa/db';
import { withTransaction } from '@acsa/db';
import { type ConnectionOptions, Job } from 'bullmq';
import { z } from 'zod';
import { sendToDeadLetters } from '../dead-letters/attach-dead-letters.ts';
import { retrainCancelChannel } from './cancel-signal.ts';
import { ZRetrainConfig, ZRunTrigger } from './config.ts';
import { retrainFlow } from './flow.ts';
import {
  RetrainConnectionClosedError,
  RetrainNoAnswerError,
  retrainLink,
  type TRetrainConnection,
} from './retrain-link.ts';
import { FAILURE_RECORDING_MS, RETRAIN_STEPS, STEP_POLICY, stepJobId, type TRetrainStep } from './steps.ts';

export const ZRetrainRequest = z.object({
  trigger: ZRunTrigger,
  /** Why, in a sentence: shown with the run (e.g. "240 new labels", "drift alert on intent PSI"). */
  reason: z.string().max(500).optional(),
  requestedById: z.uuid().nullable().optional(),
  config: ZRetrainConfig.optional(),
});
export type TRetrainRequest = z.input<typeof ZRetrainRequest>;

export type TRetrainRequestResult = {
  /** False when a run was already queued or running: that run is returned instead of a new one. */
  started: boolean;
  runId: string;
  status: RunStatus;
  message: string;
};

/**
 * Records a request in the transaction that stores it, so a request whose record cannot be written changes
 * nothing: called with the new run (QUEUED, before its jobs are enqueued), with the active run a request
 * found instead, and, when the enqueue then fails, with the run marked FAILED (`before` its QUEUED state).
 */
export type TRequestRecord = (
  tx: TransactionClient,
  change: { before: { status: RunStatus } | null; after: TRetrainRequestResult },
) => Promise<void>;

export type TRetrainClientOptions = {
  prisma: PrismaClient;
  connection: ConnectionOptions;
  prefix: string;
  backoffMs?: number;
  /** How long each Redis operation waits for an answer (RETRAIN_REDIS_TIMEOUT_MS, 10 s; tests shorten it). */
  timeoutMs?: number;
};

/**
 * Each method's Redis operations are bounded (`timeoutMs`): when Redis does not answer in time, they throw
 * an AppError UNAVAILABLE saying where it was asked and what became of the run.
 */
export type TRetrainClient = {
  /**
   * `record`: see TRequestRecord (the console's audit entry for who asked). A request whose steps got no
   * answer from Redis leaves its run queued, as recorded (the steps may still land); one that cannot check
   * whether the active run's steps are still queued starts nothing and records nothing.
   */
  request(input: TRetrainRequest, opts?: { record?: TRequestRecord }): Promise<TRetrainRequestResult>;
  /**
   * Takes every step of a run that has not started off the queues, in one atomic BullMQ removal: true when
   * none was executing (the run will do nothing more), false when a step is running right now (BullMQ
   * cannot remove a job being executed; the steps stay queued until its trainer stops it: `signalCancel`).
   * Unanswered, the steps may or may not have been removed.
   */
  removeUnstarted(runId: string): Promise<boolean>;
  /** Tells every trainer that a run was cancelled: the one executing its step stops it. */
  signalCancel(runId: string): Promise<void>;
  /**
   * Fails the active run if it can never end by itself (see whyStuck): its jobs are gone from the queue, or
   * one of its steps failed for the last time while that could not be recorded (PostgreSQL away, the
   * trainer killed). The trainer asks every minute; a request finding such a run does the same before it
   * starts its own. Returns the run it failed and why, or null.
   */
  failStuck(): Promise<{ runId: string; why: string } | null>;
  /** Drops the connection without waiting for Redis (a silent one would never answer a QUIT). */
  close(): Promise<void>;
};

const ACTIVE: RunStatus[] = ['QUEUED', 'RUNNING'];
const queued = (runId: string): TRetrainRequestResult => ({
  started: true,
  runId,
  status: 'QUEUED',
  message: `run ${runId} queued`,
});
/**
 * A run younger than this may still be being enqueued by the request that created it. Longer than an
 * enqueue's deadline, and told to people as "a minute" when an enqueue got no answer (`request`).
 */
const ENQUEUE_GRACE_MS = 60_000;
/**
 * A step that failed for the last time this long ago, its run still active: the trainer that saw it fail
 * records that within milliseconds, and keeps trying for FAILURE_RECORDING_MS while PostgreSQL is away, so
 * by now it never will (it was killed, or gave up).
 */
const UNRECORDED_FAILURE_MS = FAILURE_RECORDING_MS + 60_000;

/** Redis did not answer: where, within what, and what that means for the run (`consequence`). */
const unanswered = (e: RetrainNoAnswerError, consequence: string) =>
  new AppError(
    'UNAVAILABLE',
    `the job queue (Redis at ${e.where}) did not answer within ${e.within}: ${consequence}`,
    { cause: e },
  );

/**
 * Starts retraining runs for every trigger (button, CLI, label count, drift alert, schedule). At most one
 * run is active at a time: the check and the insert happen under one transaction-scoped advisory lock, so
 * two triggers at the same instant start one run, and the other gets that run back.
 */
export function createRetrainClient(options: TRetrainClientOptions): TRetrainClient {
  const { prisma } = options;
  const link = retrainLink(options);

  /** `op` on Redis within the deadline; unanswered, an UNAVAILABLE error ending with what that means. */
  const ask = <T>(op: (c: TRetrainConnection) => Promise<T>, consequence: string) =>
    link.run(op).catch((e: unknown) => {
      throw e instanceof RetrainNoAnswerError ? unanswered(e, consequence) : e;
    });

  /**
   * Why an active run can never end by itself, or null while it can: its jobs vanished (Redis flushed or
   * lost), or a step of it failed for the last time and that was never recorded, so the run stays active
   * and would block retraining forever. Such a step also gets its dead letter here (written once: its id
   * is the failure's), should the trainer have died before sending it. Unanswered, the run is not
   * replaced: its steps may still be queued, and a second run beside it is what the one active run is
   * there to prevent.
   */
  async function whyStuck(run: {
    id: string;
    status: RunStatus;
    createdAt: Date;
  }): Promise<{ why: string; step?: TRetrainStep; error?: string } | null> {
    if (Date.now() - run.createdAt.getTime() < ENQUEUE_GRACE_MS) return null;
    return ask(async ({ root, cpu, deadLetters }) => {
      if (!(await Job.fromId(root, stepJobId(run.id, 'promote'))))
        return { why: 'its jobs are gone from the queue' };
      for (const step of RETRAIN_STEPS) {
        const job = await Job.fromId(
          STEP_POLICY[step].queue === cpu.name ? cpu : root,
          stepJobId(run.id, step),
        );
        if (!job?.finishedOn || Date.now() - job.finishedOn < UNRECORDED_FAILURE_MS) continue;
        if ((await job.getState()) !== 'failed') continue;
        const reason = job.failedReason || 'no reason given';
        await sendToDeadLetters(deadLetters, job, new Error(reason));
        return {
          why: `its ${step} step failed (${reason}) and that was never recorded`,
          step,
          error: reason,
        };
      }
      return null;
    }, `run ${run.id} is ${run.status.toLowerCase()}, and whether its steps are still queued could not be checked: no second run was started, try again`);
  }

  /**
   * Its steps got no answer: the run stays QUEUED, as its audit entry says. The flow may still land (its
   * job ids are the run's and its steps', so it lands once at most) and the run starts; if it did not, the
   * run is lost, and the first request after the grace period marks it failed and starts another. Marked
   * failed now, a flow that lands after would run beside the next run.
   */
  async function leftQueued(runId: string, e: RetrainNoAnswerError): Promise<never> {
    const fate = 'it starts if the queue took it; if not, a request after a minute replaces it';
    await prisma.trainingLog
      .create({
        data: {
          runId,
          level: 'warn',
          message: `no answer from the job queue (Redis at ${e.where}) within ${e.within} when this run's steps were sent: it stays queued — ${fate}`,
        },
      })
      .catch(() => undefined);
    throw unanswered(e, `run ${runId} stays queued — ${fate}`);
  }

  async function claim(input: z.output<typeof ZRetrainRequest>, record?: TRequestRecord) {
    const config = ZRetrainConfig.parse(input.config ?? {});
    return withTransaction(
      prisma,
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('acsa.retrain.active'))`;
        const active = await tx.trainingRun.findFirst({
          where: { status: { in: ACTIVE } },
          orderBy: { createdAt: 'asc' },
        });
        if (active) return { created: false as const, run: active };
        const run = await tx.trainingRun.create({
          data: {
            trigger: input.trigger,
            mode: config.mode.toUpperCase() as PromotionMode,
            config,
            requestedById: input.requestedById ?? null,
          },
        });
        await tx.trainingStep.createMany({
          data: RETRAIN_STEPS.map((name, position) => ({ runId: run.id, name, position })),
        });
        await tx.trainingLog.create({
          data: {
            runId: run.id,
            level: 'info',
            message: `requested (${input.trigger.toLowerCase()}${input.reason ? `: ${input.reason}` : ''}); mode ${config.mode}, preset ${config.preset}`,
          },
        });
        await record?.(tx, { before: null, after: queued(run.id) });
        return { created: true as const, run };
      },
      { isolationLevel: 'ReadCommitted' },
    );
  }

  /**
   * The run was stored (and recorded) but its jobs never reached the queue: it is marked FAILED with the
   * reason, and the record says so, so the trail does not end at a run that looks queued. Should they have
   * reached it after all (a connection that broke after Redis took the flow), trainers stop its steps: a
   * run failed before it started is never resumed (the trainer's RunCancels.stopReason).
   */
  async function notQueued(runId: string, reason: string, record?: TRequestRecord) {
    const error = `could not be queued: ${reason}`;
    await withTransaction(
      prisma,
      async (tx) => {
        await tx.trainingRun.update({
          where: { id: runId },
          data: { status: 'FAILED', error, finishedAt: new Date() },
        });
        await record?.(tx, {
          before: { status: 'QUEUED' },
          after: { started: false, runId, status: 'FAILED', message: `run ${runId} ${error}` },
        });
      },
      { isolationLevel: 'ReadCommitted' },
    );
  }

  /**
   * A stuck run (whyStuck) is failed by whoever found it: a request, which then starts its own run, or the
   * trainer's check. The run's log says why and by whom, and a person's request records that it failed
   * that run.
   */
  async function failStuck(
    run: { id: string; status: RunStatus },
    { why, step, error }: { why: string; step?: TRetrainStep; error?: string },
    by: string,
    record?: TRequestRecord,
  ): Promise<boolean> {
    return withTransaction(
      prisma,
      async (tx) => {
        // Only while still active: a run that ended meanwhile, or one another request failed first, is left.
        const { count } = await tx.trainingRun.updateMany({
          where: { id: run.id, status: { in: ACTIVE } },
          data: { status: 'FAILED', error: why, finishedAt: new Date() },
        });
        if (count === 0) return false;
        // The step as its trainer would have closed it (one finished already stays as it is).
        if (step)
          await tx.trainingStep.updateMany({
            where: { runId: run.id, name: step, status: { in: ['PENDING', 'RUNNING'] } },
            data: { status: 'FAILED', error: error ?? null, finishedAt: new Date() },
          });
        await tx.trainingLog.create({
          data: { runId: run.id, level: 'error', message: `failed: ${why}; found by ${by}` },
        });
        await record?.(tx, {
          before: { status: run.status },
          after: { started: false, runId: run.id, status: 'FAILED', message: `run ${run.id} failed: ${why}` },
        });
        return true;
      },
      { isolationLevel: 'ReadCommitted' },
    );
  }

  return {
    async request(raw, opts = {}) {
      const input = ZRetrainRequest.parse(raw);
      const { record } = opts;
      for (let attempt = 0; attempt < 2; attempt++) {
        const claimed = await claim(input, record);
        const { run } = claimed;
        if (!claimed.created) {
          const stuck = attempt === 0 ? await whyStuck(run) : null;
          if (stuck) {
            const by = `a ${input.trigger.toLowerCase()} request${input.reason ? ` (${input.reason})` : ''}, which starts a run of its own`;
            await failStuck(run, stuck, by, record);
            continue;
          }
          const found: TRetrainRequestResult = {
            started: false,
            runId: run.id,
            status: run.status,
            message: `run ${run.id} is already ${run.status.toLowerCase()}; no second run started`,
          };
          await withTransaction(
            prisma,
            async (tx) => {
              await tx.trainingLog.create({
                data: {
                  runId: run.id,
                  level: 'info',
                  message: `another trigger (${input.trigger.toLowerCase()}${input.reason ? `: ${input.reason}` : ''}) arrived while this run was active; no second run started`,
                },
              });
              await record?.(tx, { before: null, after: found });
            },
            { isolationLevel: 'ReadCommitted' },
          );
          return found;
        }
        try {
          await link.run(({ flows }) => flows.add(retrainFlow(run.id, { backoffMs: options.backoffMs })));
        } catch (e) {
          if (e instanceof RetrainNoAnswerError && e.mayHaveLanded) return leftQueued(run.id, e);
          // Not sent (refused, or the connection never became ready): failed now, so the next request starts a
          // run. Left QUEUED (PostgreSQL failing too), a request after the grace period finds it lost.
          const marked = await notQueued(run.id, (e as Error).message, record).then(
            () => 'it is marked failed',
            () => 'a request after a minute replaces it',
          );
          if (e instanceof RetrainNoAnswerError)
            throw unanswered(e, `run ${run.id} was never sent to it; ${marked}: try again`);
          // Steps that reached the queue all the same do not run: a run failed before it started is stopped.
          if (e instanceof RetrainConnectionClosedError)
            throw new AppError(
              'UNAVAILABLE',
              `the connection to the job queue (Redis at ${e.where}) closed while run ${run.id}'s steps were being sent; ${marked} (should they have reached the queue, they will not run): try again`,
              { cause: e },
            );
          throw new AppError(
            'UNAVAILABLE',
            `retraining run ${run.id} could not be queued (the job queue refused it or is unreachable); ${marked}: try again`,
            { cause: e },
          );
        }
        return queued(run.id);
      }
      throw new Error('no retraining run could be started');
    },
    async removeUnstarted(runId) {
      // The flow's root is its last step; its children (the steps before it) go with it.
      const removed = await ask(
        ({ root }) => root.remove(stepJobId(runId, 'promote'), { removeChildren: true }),
        `run ${runId}'s steps that had not started may still be queued`,
      );
      return removed === 1;
    },
    async signalCancel(runId) {
      await ask(
        ({ redis }) => redis.publish(retrainCancelChannel(options.prefix), runId),
        `the trainers were not told at once that run ${runId} was cancelled`,
      );
    },
    async failStuck() {
      const run = await prisma.trainingRun.findFirst({
        where: { status: { in: ACTIVE } },
        orderBy: { createdAt: 'asc' },
        select: { id: true, status: true, createdAt: true },
      });
      const stuck = run ? await whyStuck(run) : null;
      if (!run || !stuck) return null;
      return (await failStuck(run, stuck, "the trainer's check of the active run"))
        ? { runId: run.id, why: stuck.why }
        : null;
    },
    close: link.close,
  };
}
