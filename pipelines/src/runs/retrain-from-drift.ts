import { AppError } from '@acsa/core/errors';
import type { PrismaClient, RunStatus } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { driftAlertReason } from '../drift-job.ts';
import type { TRetrainClient } from '../retrain/retrain-client.ts';
import { auditedRequest } from './audited-request.ts';
import { isActiveRun } from './run-state.ts';

/** The audit action that links a run to the drift report it was started from (there is no column for it). */
export const DRIFT_RETRAIN_ACTION = 'drift.retrain';

export type TDriftRun = { id: string; status: RunStatus; createdAt: Date };

/** The runs started from a drift report's alert, newest first. */
export async function runsFromDriftReport(prisma: PrismaClient, reportId: string): Promise<TDriftRun[]> {
  const entries = await prisma.auditLog.findMany({
    where: { action: DRIFT_RETRAIN_ACTION, targetType: 'DriftReport', targetId: reportId },
    select: { data: true },
  });
  const ids = entries.flatMap((e) => {
    const after = (e.data as { after?: { runId?: unknown; started?: unknown } } | null)?.after;
    return after?.started === true && typeof after.runId === 'string' ? [after.runId] : [];
  });
  if (!ids.length) return [];
  return prisma.trainingRun.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
  });
}

/**
 * "Retrain from this alert": a DRIFT run whose reason names the report and what breached, started through
 * the one retrain client (default configuration, as the trainer's own drift trigger). Refused for a window
 * that did not alert, and while a run started from this report is still queued or running. While another
 * run is active no run starts (one at a time): that run comes back with `started: false`. The entry that
 * links the run to the report is stored in the run's own transaction (auditedRequest), as the console's
 * other retrains: an entry that cannot be written starts nothing, and a run the queue refuses is marked
 * failed with a second entry.
 */
export async function retrainFromDriftReport(
  prisma: PrismaClient,
  actor: TActor,
  client: TRetrainClient,
  input: { reportId: string },
) {
  const report = await prisma.driftReport.findUnique({
    where: { id: input.reportId },
    include: { modelVersion: { select: { version: true } } },
  });
  if (!report) throw new AppError('NOT_FOUND', 'no such drift report');
  if (!report.alert) throw new AppError('CONFLICT', 'this window did not alert: nothing to retrain from');
  const active = (await runsFromDriftReport(prisma, report.id)).find((r) => isActiveRun(r.status));
  if (active)
    throw new AppError(
      'CONFLICT',
      `a retraining run from this alert is already ${active.status.toLowerCase()} (run ${active.id}); no second one started`,
    );
  const breaches = (report.details as { breaches?: { metric: string; value: number; threshold: number }[] })
    .breaches;
  const reason = `console: retrain from drift report ${report.id} — ${driftAlertReason({
    reportId: report.id,
    modelVersionId: report.modelVersionId,
    modelVersion: report.modelVersion.version,
    windowStart: report.windowStart.toISOString(),
    windowEnd: report.windowEnd.toISOString(),
    n: report.n,
    breaches: Array.isArray(breaches) ? breaches : [],
  })}`.slice(0, 500);
  const target = { type: 'DriftReport', id: report.id };
  const result = await client.request(
    { trigger: 'DRIFT', reason, requestedById: actor.id },
    { record: auditedRequest(actor, DRIFT_RETRAIN_ACTION, { reason }, { target }) },
  );
  return { ...result, reportId: report.id };
}
