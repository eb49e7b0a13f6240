import type { PrismaClient } from '@acsa/db';
import { breachesOf } from './drift-breaches.ts';
import { everyHour, HOUR, hourOf } from './every-hour.ts';
import { NO_MODEL_VERSION } from './turn-stats.ts';

export type TOverview = Awaited<ReturnType<typeof overview>>;

type THourRow = { hour: Date; turns: number; escalations: number; lowConfidence: number };

/**
 * The console's overview over the last `hours` whole hours and the one under way: turns, escalation and
 * low-confidence rates and CSAT per hour (every hour present, quiet ones as zero turns), p95 latency per
 * model version, and the latest 20 drift alerts raised in that time with how many there were (a count on
 * the (alert, createdAt) index), so a cut list says so.
 */
export async function overview(prisma: PrismaClient, opts: { hours?: number; now?: Date } = {}) {
  const hours = Math.min(Math.max(opts.hours ?? 24, 1), 24 * 14);
  const now = opts.now ?? new Date();
  const to = new Date(hourOf(now).getTime() + HOUR);
  const from = new Date(to.getTime() - (hours + 1) * HOUR);
  const [counts, csat, latency, alerts, alertTotal] = await Promise.all([
    prisma.$queryRaw<THourRow[]>`
      SELECT hour, sum(turns)::int AS turns, sum(escalations)::int AS escalations,
             sum("lowConfidence")::int AS "lowConfidence"
      FROM "TurnStat" WHERE hour >= ${from} AND hour < ${to} GROUP BY hour`,
    prisma.$queryRaw<{ hour: Date; n: number; mean: number }[]>`
      SELECT date_trunc('hour', "createdAt") AS hour, count(*)::int AS n, avg(rating)::float8 AS mean
      FROM "Feedback" WHERE rating IS NOT NULL AND "createdAt" >= ${from} AND "createdAt" < ${to}
      GROUP BY 1`,
    // Customer turns carry the time serving took to answer them.
    prisma.$queryRaw<{ modelVersionId: string | null; n: number; p50: number; p95: number }[]>`
      SELECT "modelVersionId", count(*)::int AS n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs")::float8 AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs")::float8 AS p95
      FROM "Message"
      WHERE role = 'USER' AND "latencyMs" IS NOT NULL AND "createdAt" >= ${from} AND "createdAt" < ${to}
      GROUP BY 1`,
    prisma.driftReport.findMany({
      where: { alert: true, createdAt: { gte: from } },
      orderBy: { createdAt: 'desc' },
      take: 20,
      select: {
        id: true,
        createdAt: true,
        windowStart: true,
        windowEnd: true,
        n: true,
        details: true,
        modelVersion: { select: { version: true } },
      },
    }),
    prisma.driftReport.count({ where: { alert: true, createdAt: { gte: from } } }),
  ]);
  const ids = latency
    .map((l) => l.modelVersionId)
    .filter((id): id is string => !!id && id !== NO_MODEL_VERSION);
  const names = new Map(
    (
      await prisma.modelVersion.findMany({ where: { id: { in: ids } }, select: { id: true, version: true } })
    ).map((v) => [v.id, v.version]),
  );
  const csatByHour = new Map(csat.map((c) => [c.hour.getTime(), c]));
  const hourly = everyHour({ from, to, rows: counts, hourOf: (c) => c.hour }).map(({ hour, row: c }) => {
    const f = csatByHour.get(hour.getTime());
    const turns = c?.turns ?? 0;
    return {
      hour,
      turns,
      escalationRate: turns ? (c?.escalations ?? 0) / turns : null,
      lowConfidenceRate: turns ? (c?.lowConfidence ?? 0) / turns : null,
      csat: f ? f.mean : null,
    };
  });
  const sum = (k: 'turns' | 'escalations' | 'lowConfidence') => counts.reduce((s, c) => s + c[k], 0);
  const turns = sum('turns');
  const rated = csat.reduce((s, c) => s + c.n, 0);
  return {
    from,
    to,
    hourly,
    totals: {
      turns,
      escalationRate: turns ? sum('escalations') / turns : null,
      lowConfidenceRate: turns ? sum('lowConfidence') / turns : null,
      csat: rated ? csat.reduce((s, c) => s + c.mean * c.n, 0) / rated : null,
      rated,
    },
    latency: latency
      .map((l) => ({
        version: l.modelVersionId ? (names.get(l.modelVersionId) ?? 'unregistered') : 'no model',
        turns: l.n,
        p50Ms: l.p50,
        p95Ms: l.p95,
      }))
      .sort((a, b) => b.turns - a.turns),
    alerts: alerts.map((a) => ({
      id: a.id,
      at: a.createdAt,
      version: a.modelVersion.version,
      window: { start: a.windowStart, end: a.windowEnd, n: a.n },
      /** What crossed its threshold, as the drift check recorded it. */
      breaches: breachesOf(a.details),
    })),
    alertTotal,
  };
}
