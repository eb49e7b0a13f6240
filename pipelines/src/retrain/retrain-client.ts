import { AppError } from '@acsa/core/errors';
import type { PrismaClient, PromotionMode, RunStatus, TransactionClient } from '@acsa/db';
import { withTransaction } from '@acsa/db';
import { type ConnectionOptions, FlowProducer, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { QUEUES } from '../queues.ts';
import { retrainCancelChannel } from './cancel-signal.ts';
import { ZRetrainConfig, ZRunTrigger } from './config.ts';
import { retrainFlow } from './flow.ts';
import { RETRAIN_STEPS, stepJobId } from './steps.ts';

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
};

export type TRetrainClient = {
  /** `record`: see TRequestRecord (the console's audit entry for who asked). */
  request(input: TRetrainRequest, opts?: { record?: TRequestRecord }): Promise<TRetrainRequestResult>;
  /**
   * Takes every step of a run that has not started off the queues, in one atomic BullMQ removal: true when
   * none was executing (the run will do nothing more), false when a step is running right now (BullMQ
   * cannot remove a job being executed; the steps stay queued until its trainer stops it: `signalCancel`).
   */
  removeUnstarted(runId: string): Promise<boolean>;
  /** Tells every trainer that a run was cancelled: the one executing its step stops it. */
  signalCancel(runId: string): Promise<void>;
  close(): Promise<void>;
};

const ACTIVE: RunStatus[] = ['QUEUED', 'RUNNING'];
const queued = (runId: string): TRetrainRequestResult => ({
  started: true,
  runId,
  status: 'QUEUED',
  message: `run ${runId} queued`,
});
/** A run younger than this may still be being enqueued by the request that created it. */
const ENQUEUE_GRACE_MS = 60_000;

/**
 * Starts retraining runs for every trigger (button, CLI, label count, drift alert, schedule). At most one
 * run is active at a time: the check and the insert happen under one transaction-scoped advisory lock, so
 * two triggers at the same instant start one run, and the other gets that run back.
 */
export function createRetrainClient(options: TRetrainClientOptions): TRetrainClient {
  const { prisma } = options;
  const flows = new FlowProducer({ connection: options.connection, prefix: options.prefix });
  const root = new Queue(QUEUES.retrain, { connection: options.connection, prefix: options.prefix });

  /** An active run whose jobs vanished (Redis flushed or lost) would block retraining forever. */
  async function isLost(run: { id: string; createdAt: Date }): Promise<boolean> {
    if (Date.now() - run.createdAt.getTime() < ENQUEUE_GRACE_MS) return false;
    return (await Job.fromId(root, stepJobId(run.id, 'promote'))) === undefined;
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
   * reason, and the record says so, so the trail does not end at a run that looks queued.
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

  return {
    async request(raw, opts = {}) {
      const input = ZRetrainRequest.parse(raw);
      const { record } = opts;
      for (let attempt = 0; attempt < 2; attempt++) {
        const claimed = await claim(input, record);
        const { run } = claimed;
        if (!claimed.created) {
          if (attempt === 0 && (await isLost(run))) {
            await prisma.trainingRun.update({
              where: { id: run.id },
              data: { status: 'FAILED', error: 'its jobs are gone from the queue', finishedAt: new Date() },
            });
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
          await flows.add(retrainFlow(run.id, { backoffMs: options.backoffMs }));
        } catch (e) {
          // Left QUEUED (PostgreSQL failing too), a request after the grace period finds it lost and replaces it.
          const marked = await notQueued(run.id, (e as Error).message, record).then(
            () => 'it is marked failed',
            () => 'a later request replaces it',
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
      return (await root.remove(stepJobId(runId, 'promote'), { removeChildren: true })) === 1;
    },
    async signalCancel(runId) {
      // BullMQ's client forwards the ioredis commands it does not wrap itself (ioredis-client.d.ts); its
      // type lists only those BullMQ uses. No connection of our own for one message now and then.
      const client = (await root.getBackend().client) as unknown as Pick<Redis, 'publish'>;
      await client.publish(retrainCancelChannel(options.prefix), runId);
    },
    async close() {
      await Promise.all([flows.close(), root.close()]);
    },
  };
}
