import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import { ZTriggerJob } from '@acsa/pipelines';
import { decideExperiments, refreshExperimentResults } from '@acsa/pipelines/experiments';
import type { TRetrainRequest, TRetrainRequestResult } from '@acsa/pipelines/retrain';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { checkLabelTrigger } from './label-trigger.ts';

/**
 * The triggers queue's processor, all from job schedulers: label-count checks, scheduled retrains, the
 * running experiments' automatic decisions, the active run's check, the sweep of ended runs' directories,
 * and the refresh of ended experiments' stored results.
 */
export function createTriggerProcessor(deps: {
  prisma: PrismaClient;
  requestRetrain: (input: TRetrainRequest) => Promise<TRetrainRequestResult>;
  /** RetrainClient.failStuck: fails the active run if it can never end by itself. */
  failStuckRun: () => Promise<{ runId: string; why: string } | null>;
  /** Removes the directories of runs ended past their retention (sweepRunDirs); absent: none. */
  sweepRunDirs?: () => Promise<{ dirs: number; bytes: number }>;
  labelThreshold: number;
  /** Where experiment decisions announce alias moves, so serving re-routes at once. */
  redis?: Redis | null;
  logger: Logger;
}) {
  return async (job: Job): Promise<unknown> => {
    const parsed = ZTriggerJob.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`invalid trigger payload: ${parsed.error.issues[0]?.message}`);
    const t = parsed.data;
    if (t.kind === 'experiment-check') {
      const checks = await decideExperiments(deps.prisma, { redis: deps.redis });
      for (const c of checks.filter((c) => c.outcome !== 'none'))
        deps.logger.warn(
          { experiment: c.name, outcome: c.outcome },
          c.decision.action === 'none' ? '' : c.decision.reason,
        );
      return checks.map((c) => ({ experiment: c.name, action: c.decision.action, outcome: c.outcome }));
    }
    if (t.kind === 'run-check') {
      const failed = await deps.failStuckRun();
      if (failed) deps.logger.error({ run: failed.runId }, `retraining run failed: ${failed.why}`);
      return { failed: failed?.runId ?? null };
    }
    if (t.kind === 'run-dir-sweep') {
      const swept = (await deps.sweepRunDirs?.()) ?? { dirs: 0, bytes: 0 };
      deps.logger.info(
        { dirs: swept.dirs, bytes: swept.bytes },
        `run directories swept: ${swept.dirs} removed, ${(swept.bytes / 1e6).toFixed(1)} MB freed`,
      );
      return { dirs: swept.dirs, bytes: swept.bytes };
    }
    if (t.kind === 'experiment-results') {
      const counted = await refreshExperimentResults(deps.prisma);
      if (counted.length)
        deps.logger.info(
          { experiments: counted.map((c) => c.name) },
          `ended experiments' results counted: ${counted.length}`,
        );
      return { counted: counted.map((c) => c.name) };
    }
    if (t.kind === 'label-check') {
      const check = await checkLabelTrigger({ ...deps, threshold: deps.labelThreshold });
      if (check.result)
        deps.logger.info({ labels: check.count, run: check.result.runId }, check.result.message);
      else if (check.heldUntil)
        deps.logger.warn(
          { labels: check.count, failedInARow: check.failedInARow },
          `${check.count} new labels, but the last ${check.failedInARow} run(s) failed: the next starts after ${check.heldUntil.toISOString()}`,
        );
      return {
        labels: check.count,
        runId: check.result?.runId ?? null,
        started: check.result?.started ?? false,
      };
    }
    const result = await deps.requestRetrain({
      trigger: 'SCHEDULE',
      reason: 'scheduled retrain',
      ...(t.mode ? { config: { mode: t.mode } } : {}),
    });
    deps.logger.info({ run: result.runId }, result.message);
    return result;
  };
}
