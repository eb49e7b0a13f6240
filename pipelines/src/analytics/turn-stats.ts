import type { PrismaClient } from '@acsa/db';

/** Stands for "no model" in TurnStat's key, whose columns cannot be null: what the trainer counts under. */
export const NO_MODEL_VERSION = '00000000-0000-0000-0000-000000000000';

export type TTurnStats = {
  modelVersionId: string | null;
  /** The version's name; null for turns served without a registered version. */
  version: string | null;
  /** Experiment variant; null outside experiments. */
  variant: string | null;
  turns: number;
  escalations: number;
  escalationRate: number;
  lowConfidenceRate: number;
  outOfScopeRate: number;
  /** Ratings of the agent's replies: thumbs, or CSAT where 4–5 counts as positive. */
  feedback: { rated: number; positive: number; positiveShare: number | null };
};

type TRange = { from?: Date; to?: Date };

/**
 * Turns, escalation, low-confidence and out-of-scope rates and feedback per model version and experiment
 * variant over [from, to) (hour-aligned: the counts are hourly). Feedback is read from the Feedback table,
 * not from events: it arrives after the turn, through another endpoint.
 */
export async function turnStats(prisma: PrismaClient, range: TRange = {}): Promise<TTurnStats[]> {
  const from = range.from ?? new Date(0);
  const to = range.to ?? new Date('9999-01-01T00:00:00Z');
  const [counts, feedback] = await Promise.all([
    prisma.turnStat.groupBy({
      by: ['modelVersionId', 'variant'],
      where: { hour: { gte: from, lt: to } },
      _sum: { turns: true, escalations: true, lowConfidence: true, outOfScope: true },
    }),
    prisma.$queryRaw<{ modelVersionId: string | null; variant: string; rated: number; positive: number }[]>`
      SELECT m."modelVersionId", coalesce(m.variant, '') AS variant,
             count(*) FILTER (WHERE f.thumbs IS NOT NULL OR f.rating IS NOT NULL)::int AS rated,
             count(*) FILTER (WHERE f.thumbs OR f.rating >= 4)::int AS positive
      FROM "Feedback" f JOIN "Message" m ON m.id = f."messageId"
      WHERE f."createdAt" >= ${from} AND f."createdAt" < ${to}
      GROUP BY 1, 2`,
  ]);
  const ids = counts.map((c) => c.modelVersionId).filter((id) => id !== NO_MODEL_VERSION);
  const versions = new Map(
    (
      await prisma.modelVersion.findMany({ where: { id: { in: ids } }, select: { id: true, version: true } })
    ).map((v) => [v.id, v.version]),
  );
  const key = (id: string | null, variant: string) => `${id ?? NO_MODEL_VERSION}|${variant}`;
  const fb = new Map(feedback.map((f) => [key(f.modelVersionId, f.variant), f]));
  return counts
    .map((c) => {
      const turns = c._sum.turns ?? 0;
      const rate = (x: number | null) => (turns ? (x ?? 0) / turns : 0);
      const f = fb.get(key(c.modelVersionId, c.variant));
      const rated = f?.rated ?? 0;
      const positive = f?.positive ?? 0;
      const known = c.modelVersionId !== NO_MODEL_VERSION;
      return {
        modelVersionId: known ? c.modelVersionId : null,
        version: known ? (versions.get(c.modelVersionId) ?? null) : null,
        variant: c.variant || null,
        turns,
        escalations: c._sum.escalations ?? 0,
        escalationRate: rate(c._sum.escalations),
        lowConfidenceRate: rate(c._sum.lowConfidence),
        outOfScopeRate: rate(c._sum.outOfScope),
        feedback: { rated, positive, positiveShare: rated ? positive / rated : null },
      };
    })
    .sort((a, b) => b.turns - a.turns);
}

/** Hourly turns and rates of one version (and variant), for a chart. */
export async function turnStatsByHour(
  prisma: PrismaClient,
  opts: TRange & { modelVersionId: string; variant?: string | null },
) {
  const rows = await prisma.turnStat.findMany({
    where: {
      modelVersionId: opts.modelVersionId,
      variant: opts.variant ?? '',
      hour: { gte: opts.from ?? new Date(0), ...(opts.to ? { lt: opts.to } : {}) },
    },
    orderBy: { hour: 'asc' },
  });
  return rows.map((r) => ({
    hour: r.hour,
    turns: r.turns,
    escalationRate: r.turns ? r.escalations / r.turns : 0,
    lowConfidenceRate: r.turns ? r.lowConfidence / r.turns : 0,
    outOfScopeRate: r.turns ? r.outOfScope / r.turns : 0,
  }));
}
