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

type TDisagreementRow = {
  modelVersionId: string;
  intent: string;
  confidence: number;
  createdAt: Date;
  messageId: string;
  text: string;
  productionIntent: string | null;
  productionConfidence: number | null;
  conversationId: string;
  finalIntent: string | null;
  reviewStatus: 'OPEN' | 'IN_PROGRESS' | 'LABELED' | 'SKIPPED' | null;
};

/** Latest disagreements listed per shadow version; `disagreementTotal` says how many there were. */
const LATEST_DISAGREEMENTS = 20;

/** The disagreements that recur most, per version. */
const TOP_PAIRS = 15;

/**
 * How each shadow model fared beside production on the same customer messages over the last `days`:
 * how often it picked the same intent, its out-of-scope and low-confidence rates against production's,
 * and, on the messages reviewers settled, how often each was right. Then the disagreements that recur
 * most and the latest ones, for reading, with how many disagreements there were in all.
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
      WHERE s."createdAt" >= ${since} AND s."modelVersionId" IS DISTINCT FROM m."modelVersionId"
      GROUP BY 1`,
    // Each version's own most frequent pairs: cut at 200 across all versions, a version with less traffic
    // than another could show fewer than its TOP_PAIRS, or none.
    prisma.$queryRaw<{ modelVersionId: string; production: string | null; shadow: string; n: number }[]>`
      SELECT "modelVersionId", production, shadow, n FROM (
        SELECT s."modelVersionId", m.intent AS production, s.intent AS shadow, count(*)::int AS n,
               row_number() OVER (PARTITION BY s."modelVersionId" ORDER BY count(*) DESC, m.intent, s.intent) AS rank
        FROM "ShadowPrediction" s JOIN "Message" m ON m.id = s."messageId"
        WHERE s."createdAt" >= ${since} AND s.intent IS DISTINCT FROM m.intent
          AND s."modelVersionId" IS DISTINCT FROM m."modelVersionId"
        GROUP BY 1, 2, 3
      ) ranked
      WHERE rank <= ${TOP_PAIRS}
      ORDER BY n DESC, production, shadow`,
    // The latest disagreements of each version, not of the latest predictions of all: those were cut at 200,
    // so a version whose disagreements lay behind 200 agreeing turns listed none. The summary scans the
    // same rows.
    prisma.$queryRaw<TDisagreementRow[]>`
      SELECT "modelVersionId", intent, confidence, "createdAt", "messageId", text, "productionIntent",
             "productionConfidence", "conversationId", "finalIntent", "reviewStatus"
      FROM (
        SELECT s."modelVersionId", s.intent, s.confidence, s."createdAt", m.id AS "messageId", m.text,
               m.intent AS "productionIntent", m.confidence AS "productionConfidence", m."conversationId",
               r."finalIntent", r.status::text AS "reviewStatus",
               row_number() OVER (PARTITION BY s."modelVersionId" ORDER BY s."createdAt" DESC, m.id) AS rank
        FROM "ShadowPrediction" s
        JOIN "Message" m ON m.id = s."messageId"
        LEFT JOIN "ReviewItem" r ON r."messageId" = s."messageId"
        WHERE s."createdAt" >= ${since} AND s.intent IS DISTINCT FROM m.intent
          AND s."modelVersionId" IS DISTINCT FROM m."modelVersionId"
      ) latest
      WHERE rank <= ${LATEST_DISAGREEMENTS}
      ORDER BY "createdAt" DESC, "messageId"`,
    prisma.modelAlias.findMany({
      where: { name: { in: [PRODUCTION_ALIAS, SHADOW_ALIAS] } },
      select: { name: true, modelVersionId: true, modelVersion: { select: { version: true } } },
    }),
  ]);
  const alias = aliases.find((a) => a.name === SHADOW_ALIAS);
  const productionId = aliases.find((a) => a.name === PRODUCTION_ALIAS)?.modelVersionId ?? null;
  // The shadow alias points at the production version (typically: the shadow model was promoted), so there
  // is nothing to compare from now on. When production last moved to it, and from what, if it did.
  const shadowIsProduction = alias !== undefined && alias.modelVersionId === productionId;
  const promotion = shadowIsProduction
    ? await prisma.aliasHistory.findFirst({
        where: { alias: PRODUCTION_ALIAS, toVersionId: productionId },
        orderBy: { at: 'desc' },
        select: { at: true, actor: true, fromVersion: { select: { version: true } } },
      })
    : null;
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
    /**
     * Set when the shadow alias points at the production version: production and shadow are one model, and
     * shadow predictions made since compare it with itself (they are left out of the figures above). `at` is
     * when production was last moved to it (null if the history has no such move).
     */
    sameAsProduction: shadowIsProduction
      ? {
          version: versionOf(SHADOW_ALIAS),
          promotedAt: promotion?.at ?? null,
          promotedBy: promotion?.actor ?? null,
          replaced: promotion?.fromVersion?.version ?? null,
        }
      : null,
    versions: summary
      .map((s) => ({
        id: s.modelVersionId,
        version: names.get(s.modelVersionId) ?? s.modelVersionId,
        inShadowNow: alias?.modelVersionId === s.modelVersionId,
        inProductionNow: productionId === s.modelVersionId,
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
          .map(({ production, shadow, n }) => ({ production, shadow, n })),
        /** Every disagreement in the window; `disagreements` lists the latest of them. */
        disagreementTotal: s.n - s.agree,
        disagreements: latest
          .filter((l) => l.modelVersionId === s.modelVersionId)
          .map((l) => {
            const item = l.reviewStatus ? { status: l.reviewStatus, finalIntent: l.finalIntent } : null;
            return {
              at: l.createdAt,
              messageId: l.messageId,
              text: l.text,
              conversationId: l.conversationId,
              production: { intent: l.productionIntent, confidence: l.productionConfidence },
              shadow: { intent: l.intent, confidence: l.confidence },
              reviewed: l.finalIntent,
              /** Already a review item (any reason): "Send to review" would be refused. */
              inReview: item !== null,
              /**
               * Where that review item stands: `waiting` (open or being labeled), `decided` (labeled),
               * `skipped`; null when there is none. Only `waiting` reads "in review".
               */
              review: reviewState(item),
            };
          }),
      }))
      .sort((a, b) => Number(b.inShadowNow) - Number(a.inShadowNow) || b.n - a.n),
  };
}

function reviewState(
  item: { status: 'OPEN' | 'IN_PROGRESS' | 'LABELED' | 'SKIPPED'; finalIntent: string | null } | null,
): 'waiting' | 'decided' | 'skipped' | null {
  if (!item) return null;
  if (item.finalIntent !== null || item.status === 'LABELED') return 'decided';
  return item.status === 'SKIPPED' ? 'skipped' : 'waiting';
}
