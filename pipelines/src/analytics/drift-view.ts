import type { PrismaClient } from '@acsa/db';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  effectiveThresholds,
  type TDriftSampling,
  ZDriftThresholds,
} from '../drift-thresholds.ts';

const DAY = 86_400_000;

export type TDriftView = Awaited<ReturnType<typeof driftView>>;

type TBreach = { metric: string; value: number; threshold: number };

type TKs = { d: number; p: number; n1: number; n2: number };

/** A report's KS figures; null on reports older than the KS check. */
const ksOf = (details: unknown): { confidence: TKs; length: TKs } | null => {
  const ks = (details as { ks?: { confidence?: TKs; length?: TKs } } | null)?.ks;
  return typeof ks?.confidence?.d === 'number' && typeof ks.length?.d === 'number'
    ? { confidence: ks.confidence, length: ks.length }
    : null;
};

/**
 * The threshold each distribution metric of a window was held to, as the drift check applied it: a breach
 * records its own; otherwise the configured thresholds the report kept (else today's defaults), raised for
 * the window's sample sizes. Recomputed rather than read from the report's `effective` block, which leaves
 * out the KS critical D; charting the configured value alone drew a line a quiet small window sat above.
 */
export function appliedThresholds(r: { n: number; details: unknown }) {
  const d = (r.details ?? {}) as { thresholds?: unknown; sampling?: TDriftSampling };
  const configured = ZDriftThresholds.safeParse(d.thresholds);
  const ks = ksOf(r.details);
  const applied = effectiveThresholds(
    {
      n: r.n,
      ...(d.sampling?.categories ? { sampling: d.sampling } : {}),
      ...(ks && typeof ks.confidence.n1 === 'number' && typeof ks.length.n1 === 'number'
        ? { ks: { confidence: ks.confidence, length: ks.length } }
        : {}),
    },
    configured.success ? configured.data : DEFAULT_DRIFT_THRESHOLDS,
  );
  for (const b of breachesOf(r.details))
    if (b.metric in applied && typeof b.threshold === 'number')
      applied[b.metric as keyof typeof applied] = b.threshold;
  return applied;
}

export const breachesOf = (details: unknown): TBreach[] => {
  const list = (details as { breaches?: unknown } | null)?.breaches;
  return Array.isArray(list)
    ? list.filter((b): b is TBreach => typeof b?.metric === 'string' && typeof b?.value === 'number')
    : [];
};

/**
 * Drift windows of the last `days`, per model version (the version with the newest window first), oldest
 * window first for a chart: every figure the drift check measured, whether it alerted and why, and the
 * aliases (production, shadow, experiment variants) pointing at each version now.
 */
export async function driftView(prisma: PrismaClient, opts: { days?: number; now?: Date } = {}) {
  const since = new Date((opts.now ?? new Date()).getTime() - Math.min(opts.days ?? 7, 90) * DAY);
  const reports = await prisma.driftReport.findMany({
    where: { windowStart: { gte: since } },
    orderBy: { windowStart: 'asc' },
    take: 5_000,
    include: { modelVersion: { select: { version: true } } },
  });
  const aliases = await prisma.modelAlias.findMany({
    where: { modelVersionId: { in: [...new Set(reports.map((r) => r.modelVersionId))] } },
    orderBy: { name: 'asc' },
    select: { name: true, modelVersionId: true },
  });
  const byVersion = new Map<string, { version: string; windows: ReturnType<typeof windowOf>[] }>();
  for (const r of reports) {
    const entry = byVersion.get(r.modelVersionId) ?? { version: r.modelVersion.version, windows: [] };
    entry.windows.push(windowOf(r));
    byVersion.set(r.modelVersionId, entry);
  }
  return {
    since,
    thresholds: DEFAULT_DRIFT_THRESHOLDS,
    versions: [...byVersion.entries()]
      .map(([id, v]) => ({
        id,
        ...v,
        aliases: aliases.filter((a) => a.modelVersionId === id).map((a) => a.name),
        alerts: v.windows.filter((w) => w.alert).length,
      }))
      .sort((a, b) => (b.windows.at(-1)?.start.getTime() ?? 0) - (a.windows.at(-1)?.start.getTime() ?? 0)),
  };
}

function windowOf(r: {
  id: string;
  windowStart: Date;
  windowEnd: Date;
  n: number;
  intentPsi: number;
  intentJs: number;
  confidencePsi: number;
  lengthPsi: number;
  unknownTokenRate: number;
  alert: boolean;
  details: unknown;
}) {
  const ks = ksOf(r.details);
  return {
    id: r.id,
    start: r.windowStart,
    end: r.windowEnd,
    n: r.n,
    intentPsi: r.intentPsi,
    intentJs: r.intentJs,
    confidencePsi: r.confidencePsi,
    lengthPsi: r.lengthPsi,
    unknownTokenRate: r.unknownTokenRate,
    confidenceKs: ks?.confidence.d ?? null,
    lengthKs: ks?.length.d ?? null,
    alert: r.alert,
    breaches: breachesOf(r.details),
    thresholds: appliedThresholds(r),
  };
}
