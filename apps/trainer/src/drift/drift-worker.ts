import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import {
  DRIFT_QUEUE,
  DRIFT_SCHEDULER_ID,
  type TDriftCheckJob,
  type TDriftThresholds,
  WORKER_METRICS,
  ZDriftCheckJob,
} from '@acsa/pipelines';
import { maskingFailures } from '@acsa/pipelines/dead-letters';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { monitoredVersions } from './monitored-versions.ts';
import { pendingWindows } from './pending-windows.ts';
import { runDriftCheck, type TDriftAlertHook, type TDriftCheckResult } from './run-drift-check.ts';

type TDriftDeps = {
  prisma: PrismaClient;
  thresholds?: TDriftThresholds;
  logger?: Logger;
  onAlert?: TDriftAlertHook;
};

/**
 * Reports every complete window not reported yet (see pendingWindows) of every version an alias points at:
 * production, the shadow, each running experiment's variants, each from when its alias last moved. Running
 * it twice, or on two trainers at once, reports each window once.
 */
export async function checkPendingWindows(
  deps: TDriftDeps,
  job: Partial<TDriftCheckJob> = {},
  now = new Date(),
): Promise<TDriftCheckResult[]> {
  const { windowMs, graceMs, maxWindows } = ZDriftCheckJob.parse(job);
  const results: TDriftCheckResult[] = [];
  for (const v of await monitoredVersions(deps.prisma)) {
    const last = await deps.prisma.driftReport.findFirst({
      where: { modelVersionId: v.versionId },
      orderBy: { windowEnd: 'desc' },
      select: { windowEnd: true },
    });
    const windows = pendingWindows({
      now,
      windowMs,
      graceMs,
      maxWindows,
      lastEnd: last?.windowEnd ?? null,
      // An alias row changes only when it moves: since then this version has served under it.
      notBefore: v.since,
    });
    for (const w of windows) {
      const r = await runDriftCheck({
        ...deps,
        modelVersionId: v.versionId,
        source: v.source,
        windowStart: w.start,
        windowEnd: w.end,
      });
      if (r) results.push(r);
    }
  }
  return results;
}

/**
 * The repeatable job that runs the drift check each window, `graceMs` after the window closes. An upsert:
 * restarting the trainer (or running several) keeps one schedule, and a changed window length replaces it.
 */
export async function scheduleDriftChecks(o: {
  connection: Redis;
  prefix?: string;
  job?: Partial<TDriftCheckJob>;
}): Promise<void> {
  const data = ZDriftCheckJob.parse(o.job ?? {});
  const queue = new Queue(DRIFT_QUEUE, { connection: o.connection, prefix: o.prefix });
  try {
    await queue.upsertJobScheduler(
      DRIFT_SCHEDULER_ID,
      { every: data.windowMs, offset: data.graceMs },
      {
        name: 'drift-check',
        data,
        opts: {
          attempts: 3,
          backoff: { type: 'exponential', delay: 30_000 },
          removeOnComplete: 200,
          removeOnFail: 500,
        },
      },
    );
  } finally {
    await queue.close();
  }
}

/**
 * The worker behind the schedule. `onAlert` is where a drift alert turns into action (the trainer starts a
 * retraining run with it); it is called once per alerting window.
 */
export function startDriftWorker(o: TDriftDeps & { connection: Redis; prefix?: string; logger: Logger }): {
  worker: Worker;
  close(): Promise<void>;
} {
  const worker = new Worker(
    DRIFT_QUEUE,
    maskingFailures(async (job) => {
      const parsed = ZDriftCheckJob.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid drift-check job: ${parsed.error.message}`);
      const results = await checkPendingWindows(
        { ...o, logger: o.logger.child({ jobId: job.id }) },
        parsed.data,
      );
      return results.map((r) => ({ reportId: r.reportId, n: r.n, alert: r.alert !== null }));
    }),
    { connection: o.connection, prefix: o.prefix, concurrency: 1, ...WORKER_METRICS },
  );
  worker.on('error', (err) => o.logger.error({ err: err.message }, 'drift worker error'));
  return { worker, close: () => worker.close() };
}
