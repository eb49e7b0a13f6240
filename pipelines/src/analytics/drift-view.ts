import type { PrismaClient } from '@acsa/db';
import { z } from 'zod';
import { DEFAULT_DRIFT_THRESHOLDS } from '../drift-thresholds.ts';
import { breachesOf } from './drift-breaches.ts';
import { everyHour, HOUR, hourOf } from './every-hour.ts';

const DAY = 86_400_000;

export type TDriftView = Awaited<ReturnType<typeof driftView>>;

type TKs = { d: number; p: number; n1: number; n2: number };

/** A report's KS figures; null on reports older than the KS check. */
const ksOf = (details: unknown): { confidence: TKs; length: TKs } | null => {
  const ks = (details as { ks?: { confidence?: TKs; length?: TKs } } | null)?.ks;
  return typeof ks?.confidence?.d === 'number' && typeof ks.length?.d === 'number'
    ? { confidence: ks.confidence, length: ks.length }
    : null;
};

/**
 * The thresholds a report keeps as applied (`details.thresholds.effective`), which the drift check has
 * written with every report since its first. Reports from before the KS check kept no KS ones and have no KS
 * figures, so the configured KS floors stand in and are never drawn.
 */
const ZKeptThresholds = z.object({
  intentPsi: z.number(),
  intentJs: z.number(),
  confidencePsi: z.number(),
  lengthPsi: z.number(),
  confidenceKs: z.number().default(DEFAULT_DRIFT_THRESHOLDS.confidenceKs),
  lengthKs: z.number().default(DEFAULT_DRIFT_THRESHOLDS.lengthKs),
});

/**
 * The threshold each distribution metric of a window was held to, read from its report. A breach keeps the
 * threshold it crossed, and wins: reports written before the check stored the KS critical D (on 6 Dec 2026)
 * kept the configured KS floor as applied. A row no drift check wrote (it kept no thresholds) gets the
 * configured ones.
 */
export function appliedThresholds(details: unknown) {
  const kept = ZKeptThresholds.safeParse(
    (details as { thresholds?: { effective?: unknown } } | null)?.thresholds?.effective,
  );
  const applied = kept.success ? kept.data : ZKeptThresholds.parse(DEFAULT_DRIFT_THRESHOLDS);
  for (const b of breachesOf(details))
    if (b.metric in applied) applied[b.metric as keyof typeof applied] = b.threshold;
  return applied;
}

/**
 * The most windows one view reads (about 7 monitored versions over 30 days of hourly windows). Past it the
 * newest are kept, since the latest windows and alerts are what the page is for, and `shown`/`total` say so.
 */
export const DRIFT_VIEW_LIMIT = 5_000;

/**
 * Drift windows of the last `days`, per model version (the version with the newest window first), oldest
 * window first for a table: every figure the drift check measured, whether it alerted and why, and the
 * aliases (production, shadow, experiment variants) pointing at each version now. At most `limit` windows,
 * the newest; `shown` < `total` when some older ones were left out.
 *
 * For a chart, `hourly` has every hour from the version's oldest window to `to` (not included) with the
 * window that started in it, or null where the trainer reported none (it was down, or nothing served that
 * version), so a gap is drawn as one.
 */
export async function driftView(
  prisma: PrismaClient,
  opts: { days?: number; now?: Date; limit?: number } = {},
) {
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - Math.min(opts.days ?? 7, 90) * DAY);
  const limit = opts.limit ?? DRIFT_VIEW_LIMIT;
  const where = { windowStart: { gte: since } };
  const reports = (
    await prisma.driftReport.findMany({
      where,
      // Newest first so the cut drops the oldest windows; reversed for the charts' oldest-first order.
      orderBy: [{ windowStart: 'desc' }, { id: 'desc' }],
      take: limit,
      include: { modelVersion: { select: { version: true } } },
    })
  ).reverse();
  const total = reports.length < limit ? reports.length : await prisma.driftReport.count({ where });
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
  // Up to the hour under way, which has no report until it ends (unless a window already starts in it), so
  // a version the trainer stopped reporting on ends in a gap rather than looking current.
  const newest = reports.at(-1)?.windowStart ?? now;
  const to = new Date(Math.max(hourOf(now).getTime(), hourOf(newest).getTime() + HOUR));
  return {
    since,
    to,
    shown: reports.length,
    total,
    thresholds: DEFAULT_DRIFT_THRESHOLDS,
    versions: [...byVersion.entries()]
      .map(([id, v]) => ({
        id,
        ...v,
        // From the version's oldest window shown: before it the version was mostly not monitored yet (or its
        // windows were cut at the limit), and a week of empty hours squeezed a day's line into the axis' end.
        hourly: everyHour({
          from: v.windows[0]?.start ?? to,
          to,
          rows: v.windows,
          hourOf: (w) => w.start,
        }).map((h) => ({
          hour: h.hour,
          window: h.row,
        })),
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
    thresholds: appliedThresholds(r.details),
  };
}
