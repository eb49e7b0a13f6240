import type { PrismaClient } from '@acsa/db';
import { driftAlertReason, type TDriftAlert } from '@acsa/pipelines';
import type { TRetrainRequest, TRetrainRequestResult } from '@acsa/pipelines/retrain';

/**
 * How long after a drift run started the next drift alert may start another. A lasting drift raises an
 * alert every hourly window; without a pause each would retrain and (direct mode, a non-inferiority gate)
 * re-promote a near-identical version every hour or two while the drift stays.
 */
export const DEFAULT_DRIFT_RETRAIN_COOLDOWN_MS = 24 * 3_600_000;

/** A drift alert's outcome: the run it started or was noted on, or why it was held back. */
export type TDriftRetrainResult = TRetrainRequestResult & {
  /** Set when no run was asked for: the last drift run's start and when the next may start. */
  held?: { lastStartedAt: Date; nextAfter: Date; waitingForLabels: boolean };
};

/**
 * The drift alert's action: a retraining run with the alert as its reason. While a run is active the
 * alert is noted on that run instead (one run at a time), so a burst of drifting windows starts one run.
 * Only production's drift retrains by itself: the shadow and experiment variants are monitored too, and
 * their alerts are on the drift page, where an engineer may retrain from one; retraining for a model that
 * answers nobody yet would only queue runs behind production's. Null when the alert's version is not
 * production's.
 *
 * After a drift run (any: the trainer's, a person's from the drift page, failed or not) the next waits
 * `cooldownMs` after its start, and then also for at least one label made since that start. Why labels:
 * a retrain on unchanged data reproduces the model it replaces, reference statistics included, so it cannot
 * clear the drift; only new labels can. Adjudications that change no label are not counted (a person can
 * still retrain from the drift page). The alert itself is stored and logged either way.
 */
export function retrainOnDrift(deps: {
  prisma: PrismaClient;
  requestRetrain: (input: TRetrainRequest) => Promise<TRetrainRequestResult>;
  productionVersionId: () => Promise<string | null>;
  cooldownMs?: number;
  now?: () => Date;
}): (alert: TDriftAlert) => Promise<TDriftRetrainResult | null> {
  const cooldownMs = deps.cooldownMs ?? DEFAULT_DRIFT_RETRAIN_COOLDOWN_MS;
  return async (alert) => {
    if ((await deps.productionVersionId()) !== alert.modelVersionId) return null;
    const held = await driftRunHold(deps.prisma, cooldownMs, (deps.now ?? (() => new Date()))());
    if (held) return held;
    return deps.requestRetrain({ trigger: 'DRIFT', reason: driftAlertReason(alert) });
  };
}

async function driftRunHold(
  prisma: PrismaClient,
  cooldownMs: number,
  now: Date,
): Promise<TDriftRetrainResult | null> {
  const last = await prisma.trainingRun.findFirst({
    where: { trigger: 'DRIFT' },
    orderBy: { createdAt: 'desc' },
    select: { id: true, status: true, createdAt: true },
  });
  // Still active: the retrain request notes this alert on it (and starts nothing).
  if (!last || last.status === 'QUEUED' || last.status === 'RUNNING') return null;
  const nextAfter = new Date(last.createdAt.getTime() + cooldownMs);
  const started = `drift run ${last.id} started at ${last.createdAt.toISOString()}`;
  const base = { started: false, runId: last.id, status: last.status };
  if (nextAfter > now)
    return {
      ...base,
      message: `${started}: the next may start after ${nextAfter.toISOString()}`,
      held: { lastStartedAt: last.createdAt, nextAfter, waitingForLabels: false },
    };
  const newLabels = await prisma.label.count({ where: { createdAt: { gt: last.createdAt } } });
  if (newLabels > 0) return null;
  return {
    ...base,
    message: `${started} and no label was made since: retraining on the same data cannot clear the drift, the next may start after ${nextAfter.toISOString()} once labels arrive`,
    held: { lastStartedAt: last.createdAt, nextAfter, waitingForLabels: true },
  };
}
