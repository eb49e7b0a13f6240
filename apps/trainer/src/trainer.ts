import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import {
  DEFAULT_RUN_DIR_RETENTION_DAYS,
  DEFAULT_STALLED_CHECK,
  QUEUES,
  stepTimeouts,
  type TPromotionMode,
  type TRetrainConfigInput,
  type TStalledCheck,
  type TStepTimeouts,
  type TTrainingPreset,
  WORKER_METRICS,
} from '@acsa/pipelines';
import { attachDeadLetters } from '@acsa/pipelines/dead-letters';
import {
  createRetrainClient,
  type TRetrainRequest,
  type TRetrainRequestResult,
} from '@acsa/pipelines/retrain';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createLightProcessor } from './retrain/light-processor.ts';
import { createRunCancels } from './retrain/run-cancels.ts';
import { sweepRunDirs } from './retrain/run-dir-sweep.ts';
import { runDir } from './retrain/run-guard.ts';
import { StepTracker } from './retrain/step-tracker.ts';
import { StepWorker } from './retrain/step-worker.ts';
import { keepScheduled, upsertTriggerSchedules } from './triggers/schedules.ts';
import { createTriggerProcessor } from './triggers/trigger-processor.ts';

const CPU_PROCESSOR = fileURLToPath(new URL('./retrain/cpu-processor.ts', import.meta.url));

export type TTrainerOptions = {
  prisma: PrismaClient;
  redisUrl: string;
  /** BullMQ key prefix (tests pass their namespace's). */
  prefix: string;
  workDir: string;
  logger: Logger;
  concurrency?: number;
  backoffMs?: number;
  /** Defaults for runs the trainer starts itself (labels, drift, schedule). */
  auto?: { mode?: TPromotionMode; preset?: TTrainingPreset };
  /** Schedules to run; null starts none (tests, or a replica that only works jobs). */
  triggers?: {
    labelThreshold: number;
    labelCheckEveryMs: number | null;
    retrainCron: string | null;
    /** Running experiments' automatic decisions; null or absent: none. */
    experimentCheckEveryMs?: number | null;
    /** Days an ended run's directory is kept for dead-letter replays; DEFAULT_RUN_DIR_RETENTION_DAYS. */
    runDirRetentionDays?: number;
  } | null;
  /** Heap for each sandboxed training process, in MB. */
  cpuHeapMb?: number;
  /** Time limits of steps that differ from the pipelines' policy. */
  stepTimeoutsMs?: Partial<TStepTimeouts>;
  /** BullMQ's stalled-job check of the trainer's workers (tests shorten it). */
  stalledCheck?: Partial<TStalledCheck>;
  /** How often an executing step's run is checked for a cancel whose signal this trainer missed. */
  cancelPollMs?: number;
};

export type TTrainer = {
  /** Starts a run, or returns the active one: what the drift alert, the label count and schedules call. */
  requestRetrain(input: TRetrainRequest): Promise<TRetrainRequestResult>;
  tracker: StepTracker;
  redis: Redis;
  close(): Promise<void>;
};

/**
 * The trainer's workers: the retraining flow's light steps in-process, its CPU-bound steps in sandboxed
 * child processes (one at a time: each uses every core it gets), and the trigger schedules.
 */
export async function createTrainer(options: TTrainerOptions): Promise<TTrainer> {
  const { prisma, logger, prefix } = options;
  // Workers block on Redis and must wait out reconnects (BullMQ requires maxRetriesPerRequest null).
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  for (const r of [connection, redis]) r.on('error', (e) => logger.debug({ err: e.message }, 'redis error'));
  const deadLetters = new Queue(QUEUES.deadLetters, { connection, prefix });
  const retrain = createRetrainClient({ prisma, connection, prefix, backoffMs: options.backoffMs });
  const auto: TRetrainConfigInput = {
    mode: options.auto?.mode ?? 'direct',
    preset: options.auto?.preset ?? 'full',
  };
  const requestRetrain = (input: TRetrainRequest) =>
    retrain.request({ ...input, config: { ...auto, ...input.config } });

  // A cancelled run's step has stopped and left the worker: nothing of the run may run or stay behind.
  const tracker = new StepTracker(prisma, deadLetters, logger, {
    onCancelled: async (runId) => {
      await retrain.removeUnstarted(runId);
      await rm(runDir(options.workDir, runId), { recursive: true, force: true });
    },
  });
  const cancels = createRunCancels({ prisma, connection, prefix, logger, pollMs: options.cancelPollMs });
  const deps = { prisma, redis, workDir: options.workDir, logger };
  const stalled = { ...DEFAULT_STALLED_CHECK, ...options.stalledCheck };
  const workerOpts = {
    connection,
    prefix,
    lockDuration: stalled.lockDurationMs,
    stalledInterval: stalled.stalledIntervalMs,
    maxStalledCount: stalled.maxStalledCount,
    ...WORKER_METRICS,
  };
  const timeouts = stepTimeouts(options.stepTimeoutsMs);
  const { stopReason } = cancels;
  const light = new StepWorker(QUEUES.retrain, createLightProcessor(deps), {
    ...workerOpts,
    timeouts,
    stopReason,
    concurrency: options.concurrency ?? 2,
  });
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const cpu = new StepWorker(QUEUES.retrainCpu, CPU_PROCESSOR, {
    ...workerOpts,
    timeouts,
    stopReason,
    concurrency: 1,
    useWorkerThreads: false,
    workerForkOptions: {
      execArgv: ['--import', tsx, `--max-old-space-size=${options.cpuHeapMb ?? 6144}`],
    },
  });
  const workers: Worker[] = [light, cpu];
  for (const w of workers) tracker.attach(w);
  cancels.listen([light, cpu]);

  let triggersQueue: Queue | null = null;
  if (options.triggers) {
    const retentionDays = options.triggers.runDirRetentionDays ?? DEFAULT_RUN_DIR_RETENTION_DAYS;
    triggersQueue = new Queue(QUEUES.retrainTriggers, { connection, prefix });
    const triggers = new Worker(
      QUEUES.retrainTriggers,
      createTriggerProcessor({
        prisma,
        requestRetrain,
        failStuckRun: () => retrain.failStuck(),
        sweepRunDirs: () =>
          sweepRunDirs({
            prisma,
            workDir: options.workDir,
            retentionDays,
          }),
        labelThreshold: options.triggers.labelThreshold,
        redis,
        logger,
      }),
      { ...workerOpts, concurrency: 1 },
    );
    attachDeadLetters(triggers, deadLetters, (e) =>
      logger.error({ err: e.message }, 'dead letter not written'),
    );
    workers.push(triggers);
    const schedule = upsertTriggerSchedules.bind(null, triggersQueue, options.triggers);
    await schedule();
    keepScheduled(connection, schedule, (e) =>
      logger.warn({ err: e.message }, 'schedules not put back after a Redis reconnect'),
    );
  }
  for (const w of workers)
    w.on('error', (e) => logger.error({ queue: w.name, err: e.message }, 'worker error'));

  return {
    requestRetrain,
    tracker,
    redis,
    async close() {
      await cancels.close();
      await Promise.all(workers.map((w) => w.close()));
      await tracker.close();
      await Promise.all([retrain.close(), deadLetters.close(), triggersQueue?.close()]);
      redis.disconnect();
      connection.disconnect();
    },
  };
}
