import { Prisma, type PrismaClient } from '@acsa/db';
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
  const compared = comparedSince(since);
  const [summary, pairs, aliases] = await Promise.all([
    prisma.$queryRaw<TSummaryRow[]>`
      WITH s AS (${compared})
      SELECT s."modelVersionId",
             count(*)::int AS n,
             count(*) FILTER (WHERE s.intent = s."productionIntent")::int AS agree,
             count(*) FILTER (WHERE s."outOfScope")::int AS "shadowOos",
             count(*) FILTER (WHERE s."productionOutOfScope")::int AS "productionOos",
             count(*) FILTER (WHERE s."lowConfidence")::int AS "shadowLow",
             avg(s."latencyMs")::float8 AS "shadowLatencyMs",
             count(r."finalIntent")::int AS reviewed,
             count(*) FILTER (WHERE r."finalIntent" = s.intent)::int AS "shadowRight",
             count(*) FILTER (WHERE r."finalIntent" = s."productionIntent")::int AS "productionRight"
      FROM s
      LEFT JOIN "ReviewItem" r ON r."messageId" = s."messageId"
      GROUP BY 1`,
    // Each version's own most frequent pairs: cut at 200 across all versions, a version with less traffic
    // than another could show fewer than its TOP_PAIRS, or none.
    prisma.$queryRaw<{ modelVersionId: string; production: string | null; shadow: string; n: number }[]>`
      WITH s AS (${compared})
      SELECT "modelVersionId", production, shadow, n FROM (
        SELECT s."modelVersionId", s."productionIntent" AS production, s.intent AS shadow, count(*)::int AS n,
               row_number() OVER (PARTITION BY s."modelVersionId"
                                  ORDER BY count(*) DESC, s."productionIntent", s.intent) AS rank
        FROM s
        WHERE s.intent IS DISTINCT FROM s."productionIntent"
        GROUP BY 1, 2, 3
      ) ranked
      WHERE rank <= ${TOP_PAIRS}
      ORDER BY n DESC, production, shadow`,
    prisma.modelAlias.findMany({
      where: { name: { in: [PRODUCTION_ALIAS, SHADOW_ALIAS] } },
      select: { name: true, modelVersionId: true, modelVersion: { select: { version: true } } },
    }),
  ]);
  const versionIds = summary.map((s) => s.modelVersionId);
  const [latest, versionNames] = await Promise.all([
    // The latest disagreements of each version, not of the latest predictions of all: those were cut at 200,
    // so a version whose disagreements lay behind 200 agreeing turns listed none. Each version's are read
    // newest first through ShadowPrediction(modelVersionId, createdAt), stopping at LATEST_DISAGREEMENTS, and
    // only those are joined to their messages (by key) for the text. The versions are the summary's: a
    // disagreement is one of its rows.
    prisma.$queryRaw<TDisagreementRow[]>`
      SELECT l."modelVersionId", l.intent, l.confidence, l."createdAt", m.id AS "messageId", m.text,
             m.intent AS "productionIntent", m.confidence AS "productionConfidence", m."conversationId",
             r."finalIntent", r.status::text AS "reviewStatus"
      FROM unnest(${versionIds}::uuid[]) AS v(id)
      CROSS JOIN LATERAL (
        SELECT s."modelVersionId", s.intent, s.confidence, s."createdAt", s."messageId"
        FROM "ShadowPrediction" s
        WHERE s."modelVersionId" = v.id AND s."createdAt" >= ${since}
          -- Production's side from the message only for rows that lack it (see comparedSince): CASE runs
          -- the subquery for those alone (a join would probe Message for every row read).
          AND CASE WHEN s."productionIntent" IS NOT NULL
                   THEN s.intent IS DISTINCT FROM s."productionIntent"
                        AND s."modelVersionId" IS DISTINCT FROM s."productionModelVersionId"
                   ELSE EXISTS (SELECT FROM "Message" pm
                                WHERE pm.id = s."messageId" AND s.intent IS DISTINCT FROM pm.intent
                                  AND s."modelVersionId" IS DISTINCT FROM pm."modelVersionId") END
        ORDER BY s."createdAt" DESC, s."messageId"
        LIMIT ${LATEST_DISAGREEMENTS}
      ) l
      JOIN "Message" m ON m.id = l."messageId"
      LEFT JOIN "ReviewItem" r ON r."messageId" = l."messageId"
      ORDER BY l."createdAt" DESC, m.id`,
    prisma.modelVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, version: true } }),
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
  const names = new Map(versionNames.map((v) => [v.id, v.version]));
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

/**
 * The shadow's predictions since `since` beside production's on the same message, leaving out those where
 * production answered with the shadow's own version (they compare a model with itself). Production's side is
 * stored on the row by serving (and was backfilled by migration shadow_prediction_production_side), so the
 * page reads ShadowPrediction alone: joining Message meant a seq scan of every message. Rows written by a
 * serving older than that migration (a rolling deploy) lack it, and take it from their message, by key; a
 * row whose message has no intent lands there too, and reads the same null from it.
 */
function comparedSince(since: Date) {
  return Prisma.sql`
    SELECT s."messageId", s."modelVersionId", s.intent, s."outOfScope", s."lowConfidence", s."latencyMs",
           s."productionIntent", s."productionOutOfScope"
    FROM "ShadowPrediction" s
    WHERE s."createdAt" >= ${since} AND s."productionIntent" IS NOT NULL
      AND s."modelVersionId" IS DISTINCT FROM s."productionModelVersionId"
    UNION ALL
    SELECT s."messageId", s."modelVersionId", s.intent, s."outOfScope", s."lowConfidence", s."latencyMs",
           m.intent, m."outOfScope"
    FROM "ShadowPrediction" s JOIN "Message" m ON m.id = s."messageId"
    WHERE s."createdAt" >= ${since} AND s."productionIntent" IS NULL
      AND s."modelVersionId" IS DISTINCT FROM m."modelVersionId"`;
}

function reviewState(
  item: { status: 'OPEN' | 'IN_PROGRESS' | 'LABELED' | 'SKIPPED'; finalIntent: string | null } | null,
): 'waiting' | 'decided' | 'skipped' | null {
  if (!item) return null;
  if (item.finalIntent !== null || item.status === 'LABELED') return 'decided';
  return item.status === 'SKIPPED' ? 'skipped' : 'waiting';
}
