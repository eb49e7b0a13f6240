import type { Logger } from '@acsa/core/logger';
import { isUniqueViolation, type PrismaClient } from '@acsa/db';
import { ZManifest } from '@acsa/ml/manifest';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  driftBreaches,
  effectiveThresholds,
  PRODUCTION_ALIAS,
  type TDriftAlert,
  type TDriftThresholds,
} from '@acsa/pipelines';
import { WindowDrift } from './window-drift.ts';
import { type TDriftSource, windowMessages } from './window-messages.ts';

export type TDriftAlertHook = (alert: TDriftAlert) => unknown;

export type TDriftCheck = {
  prisma: PrismaClient;
  windowStart: Date;
  windowEnd: Date;
  /** Default: the version `production` points at now. */
  modelVersionId?: string;
  /** Default `answered`; `shadow` for a version only the shadow alias points at. */
  source?: TDriftSource;
  thresholds?: TDriftThresholds;
  logger?: Logger;
  /** Called once per alerting window (not again when the window is checked again). */
  onAlert?: TDriftAlertHook;
};

export type TDriftCheckResult = {
  reportId: string;
  modelVersionId: string;
  n: number;
  alert: TDriftAlert | null;
  /** False when this window had been reported before (its report is returned, its alert not raised again). */
  created: boolean;
};

/**
 * Compares one window of a model version's live traffic (its customer turns) with the reference statistics
 * in its bundle's manifest, stores a DriftReport, and raises an alert when a figure is over its threshold.
 * A window is reported once: checking it again returns the stored report. Null when nothing is in
 * production yet.
 */
export async function runDriftCheck(o: TDriftCheck): Promise<TDriftCheckResult | null> {
  const { prisma } = o;
  const versionId =
    o.modelVersionId ??
    (await prisma.modelAlias.findUnique({ where: { name: PRODUCTION_ALIAS } }))?.modelVersionId;
  if (!versionId) return null;
  const existing = await prisma.driftReport.findUnique({
    where: { modelVersionId_windowStart: { modelVersionId: versionId, windowStart: o.windowStart } },
  });
  if (existing)
    return { reportId: existing.id, modelVersionId: versionId, n: existing.n, alert: null, created: false };
  const version = await prisma.modelVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: { version: true, manifest: true },
  });
  const manifest = ZManifest.pick({ reference: true, outOfScope: true }).parse(version.manifest);
  const window = new WindowDrift(manifest.reference, { outOfScopeLabel: manifest.outOfScope.label });
  const source = o.source ?? 'answered';
  for await (const page of windowMessages(prisma, {
    versionId,
    source,
    start: o.windowStart,
    end: o.windowEnd,
  }))
    for (const m of page) window.add(m);
  const { details, sampling, ...figures } = window.result();
  const thresholds = o.thresholds ?? DEFAULT_DRIFT_THRESHOLDS;
  const breaches = driftBreaches({ ...figures, sampling }, thresholds);
  let report: { id: string };
  try {
    report = await prisma.driftReport.create({
      data: {
        modelVersionId: versionId,
        windowStart: o.windowStart,
        windowEnd: o.windowEnd,
        n: figures.n,
        intentPsi: figures.intentPsi,
        intentJs: figures.intentJs,
        confidencePsi: figures.confidencePsi,
        lengthPsi: figures.lengthPsi,
        unknownTokenRate: figures.unknownTokenRate,
        details: {
          ...details,
          source,
          ks: figures.ks,
          sampling,
          referenceUnknownTokenRate: figures.referenceUnknownTokenRate,
          thresholds: {
            ...thresholds,
            effective: effectiveThresholds({ n: figures.n, sampling, ks: figures.ks }, thresholds),
          },
          breaches,
        },
        alert: breaches.length > 0,
      },
      select: { id: true },
    });
  } catch (e) {
    // Two checkers raced on one window: the other stored it (and raised its alert).
    if (!isUniqueViolation(e)) throw e;
    const other = await prisma.driftReport.findUniqueOrThrow({
      where: { modelVersionId_windowStart: { modelVersionId: versionId, windowStart: o.windowStart } },
    });
    return { reportId: other.id, modelVersionId: versionId, n: other.n, alert: null, created: false };
  }
  const base = { reportId: report.id, modelVersionId: versionId, n: figures.n, created: true };
  if (!breaches.length) {
    o.logger?.info({ ...base, windowStart: o.windowStart }, 'drift window within thresholds');
    return { ...base, alert: null };
  }
  const alert: TDriftAlert = {
    reportId: report.id,
    modelVersionId: versionId,
    modelVersion: version.version,
    windowStart: o.windowStart.toISOString(),
    windowEnd: o.windowEnd.toISOString(),
    n: figures.n,
    breaches,
  };
  o.logger?.warn({ alert }, 'drift alert');
  try {
    await o.onAlert?.(alert);
  } catch (e) {
    // The report and its alert are stored; a failing hook must not make the window be checked again.
    o.logger?.error({ err: (e as Error).message, reportId: report.id }, 'drift alert hook failed');
  }
  return { ...base, alert };
}
