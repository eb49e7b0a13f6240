import type { PrismaClient } from '@acsa/db';
import { PRODUCTION_ALIAS, SHADOW_ALIAS } from '../registry/aliases.ts';

const DAY = 86_400_000;

export type TShadowView = Awaited<ReturnType<typeof shadowView>>;

type TSummaryRow = {
  modelVersionId: string;
  n: number;
  agree: number;
  shadowOos: number;
  productionOos: number;
  shadowLow: number;
  shadowLatencyMs: number | null;
  reviewed: number;
  shadowRight: number;
  productionRight: number;
};

/**
 * How each shadow model fared beside production on the same customer messages over the last `days`:
 * how often it picked the same intent, its out-of-scope and low-confidence rates against production's,
 * and, on the messages reviewers settled, how often each was right. Then the disagreements that recur
 * most and the latest ones, for reading.
 */
export async function shadowView(prisma: PrismaClient, opts: { days?: number; now?: Date } = {}) {
  const since = new Date((opts.now ?? new Date()).getTime() - Math.min(opts.days ?? 7, 90) * DAY);
  const [summary, pairs, latest, aliases] = await Promise.all([
    prisma.$queryRaw<TSummaryRow[]>`
      SELECT s."modelVersionId",
             count(*)::int AS n,
             count(*) FILTER (WHERE s.intent = m.intent)::int AS agree,
             count(*) FILTER (WHERE s."outOfScope")::int AS "shadowOos",
             count(*) FILTER (WHERE m."outOfScope")::int AS "productionOos",
             count(*) FILTER (WHERE s."lowConfidence")::int AS "shadowLow",
             avg(s."latencyMs")::float8 AS "shadowLatencyMs",
             count(r."finalIntent")::int AS reviewed,
             count(*) FILTER (WHERE r."finalIntent" = s.intent)::int AS "shadowRight",
             count(*) FILTER (WHERE r."finalIntent" = m.intent)::int AS "productionRight"
      FROM "ShadowPrediction" s
      JOIN "Message" m ON m.id = s."messageId"
      LEFT JOIN "ReviewItem" r ON r."messageId" = s."messageId"
      WHERE s."createdAt" >= ${since}
      GROUP BY 1`,
    prisma.$queryRaw<{ modelVersionId: string; production: string | null; shadow: string; n: number }[]>`
      SELECT s."modelVersionId", m.intent AS production, s.intent AS shadow, count(*)::int AS n
      FROM "ShadowPrediction" s JOIN "Message" m ON m.id = s."messageId"
      WHERE s."createdAt" >= ${since} AND s.intent IS DISTINCT FROM m.intent
      GROUP BY 1, 2, 3 ORDER BY n DESC, 2, 3 LIMIT 200`,
    prisma.shadowPrediction.findMany({
      where: { createdAt: { gte: since } },
      orderBy: { createdAt: 'desc' },
      take: 200,
      select: {
        modelVersionId: true,
        intent: true,
        confidence: true,
        createdAt: true,
        message: {
          select: {
            id: true,
            text: true,
            intent: true,
            confidence: true,
            conversationId: true,
            reviewItem: { select: { finalIntent: true } },
          },
        },
      },
    }),
    prisma.modelAlias.findMany({
      where: { name: { in: [PRODUCTION_ALIAS, SHADOW_ALIAS] } },
      select: { name: true, modelVersionId: true, modelVersion: { select: { version: true } } },
    }),
  ]);
  const alias = aliases.find((a) => a.name === SHADOW_ALIAS);
  const versionOf = (name: string) => aliases.find((a) => a.name === name)?.modelVersion.version ?? null;
  const names = new Map(
    (
      await prisma.modelVersion.findMany({
        where: { id: { in: summary.map((s) => s.modelVersionId) } },
        select: { id: true, version: true },
      })
    ).map((v) => [v.id, v.version]),
  );
  const share = (x: number, n: number) => (n ? x / n : null);
  return {
    since,
    /** What each alias points at now: the console promotes the shadow version with `expectedFrom` = production. */
    aliases: { production: versionOf(PRODUCTION_ALIAS), shadow: versionOf(SHADOW_ALIAS) },
    versions: summary
      .map((s) => ({
        id: s.modelVersionId,
        version: names.get(s.modelVersionId) ?? s.modelVersionId,
        inShadowNow: alias?.modelVersionId === s.modelVersionId,
        n: s.n,
        agreement: share(s.agree, s.n),
        shadowOutOfScope: share(s.shadowOos, s.n),
        productionOutOfScope: share(s.productionOos, s.n),
        shadowLowConfidence: share(s.shadowLow, s.n),
        shadowLatencyMs: s.shadowLatencyMs,
        reviewed: s.reviewed,
        shadowAccuracy: share(s.shadowRight, s.reviewed),
        productionAccuracy: share(s.productionRight, s.reviewed),
        pairs: pairs
          .filter((p) => p.modelVersionId === s.modelVersionId)
          .slice(0, 15)
          .map(({ production, shadow, n }) => ({ production, shadow, n })),
        disagreements: latest
          .filter((l) => l.modelVersionId === s.modelVersionId && l.intent !== l.message.intent)
          .slice(0, 20)
          .map((l) => ({
            at: l.createdAt,
            messageId: l.message.id,
            text: l.message.text,
            conversationId: l.message.conversationId,
            production: { intent: l.message.intent, confidence: l.message.confidence },
            shadow: { intent: l.intent, confidence: l.confidence },
            reviewed: l.message.reviewItem?.finalIntent ?? null,
            /** Already a review item (any reason): "Send to review" would be refused. */
            inReview: l.message.reviewItem !== null,
          })),
      }))
      .sort((a, b) => Number(b.inShadowNow) - Number(a.inShadowNow) || b.n - a.n),
  };
}
