import type { PrismaClient } from '@acsa/db';
import { agreedIntent } from './learning-data/agreed-intent.ts';

/** A variant's customer turns in the window: $1 names, $2 their model versions, $3–$4 the window. */
const msgs = (extra: string) => `
    SELECT m.id, m.variant, m.intent, m."conversationId" ${extra}
    FROM "Message" m JOIN unnest($1::text[], $2::uuid[]) AS v(name, vid)
      ON m.variant = v.name AND m."modelVersionId" = v.vid
    WHERE m.role = 'USER' AND m."createdAt" >= $3 AND m."createdAt" < $4`;

/**
 * The three reads of variantCounts, exported so bench/console can EXPLAIN the very statements. Ratings land
 * on the agent's reply (seq + 1) to a customer turn of the variant: per turn, the reply by its unique
 * (conversationId, seq) key, then its Feedback by the messageId index (as a plain join the planner
 * hash-joined all of Message with all of Feedback, bench/console/results/pages.md); the aggregate keeps the
 * lateral subquery from being flattened back into such a join. Reviewed turns: ReviewItem by its unique
 * messageId and Label by (messageId, userId) per turn; OFFSET 0 keeps the planner from turning the lookups
 * into scans of both tables (and a hashed subplan over Label).
 */
export const VARIANT_COUNT_SQL = {
  traffic: `WITH msgs AS (${msgs(`, EXISTS (SELECT 1 FROM "Escalation" e WHERE e."messageId" = m.id) AS escalated`)})
    SELECT variant, count(DISTINCT "conversationId")::int AS sessions, count(*)::int AS turns,
           count(DISTINCT "conversationId") FILTER (WHERE escalated)::int AS escalated
    FROM msgs GROUP BY variant`,
  ratings: `WITH msgs AS (${msgs(', m.seq')})
    SELECT msgs.variant, coalesce(sum(fb.rated), 0)::int AS rated, coalesce(sum(fb.positive), 0)::int AS positive
    FROM msgs CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE f.thumbs IS NOT NULL OR f.rating IS NOT NULL) AS rated,
             count(*) FILTER (WHERE f.thumbs OR f.rating >= 4) AS positive
      FROM "Feedback" f
      WHERE f."messageId" = (SELECT a.id FROM "Message" a
                             WHERE a."conversationId" = msgs."conversationId" AND a.seq = msgs.seq + 1)) fb
    GROUP BY msgs.variant`,
  reviewed: `WITH msgs AS (${msgs('')})
    SELECT msgs.variant, msgs.intent AS predicted, x."finalIntent", x.labels
    FROM msgs CROSS JOIN LATERAL (
      SELECT (SELECT r."finalIntent" FROM "ReviewItem" r WHERE r."messageId" = msgs.id) AS "finalIntent",
             (SELECT json_agg(json_build_object('intent', l.intent)) FROM "Label" l WHERE l."messageId" = msgs.id) AS labels
      OFFSET 0) x
    WHERE x."finalIntent" IS NOT NULL OR x.labels IS NOT NULL`,
} as const;

export type TVariantKey = { name: string; modelVersionId: string };
export type TVariantCounts = {
  sessions: number;
  turns: number;
  escalatedSessions: number;
  rated: number;
  positive: number;
  labeled: number;
  correct: number;
};

const EMPTY: TVariantCounts = {
  sessions: 0,
  turns: 0,
  escalatedSessions: 0,
  rated: 0,
  positive: 0,
  labeled: 0,
  correct: 0,
};

/**
 * Raw counts per variant over the experiment's window. A variant's traffic is the customer turns tagged
 * with its name and answered by its model version, so a name reused by a later experiment never mixes in.
 * The session (conversation) is the unit for the split and the escalation rate, because assignment is
 * sticky per session and a session's turns are not independent; feedback counts per rating and accuracy
 * per reviewed turn whose truth agreedIntent settles (the rule the trainer's snapshot uses too).
 */
export async function variantCounts(
  prisma: PrismaClient,
  variants: readonly TVariantKey[],
  window: { from: Date; to: Date },
): Promise<Map<string, TVariantCounts>> {
  const out = new Map(variants.map((v) => [v.name, { ...EMPTY }]));
  if (!variants.length) return out;
  const names = variants.map((v) => v.name);
  const ids = variants.map((v) => v.modelVersionId);
  const args = [names, ids, window.from, window.to] as const;
  // Plain reads, JIT left as the server has it: over a month of 1,000,000 messages it compiled for ~30 ms of
  // a ~350 ms read, and turning it off takes a transaction each (SET LOCAL), which the page's twenty
  // experiments at once, three reads each, made wait for a connection until Prisma gave up (P2028).
  const [traffic, feedback, accuracy] = await Promise.all([
    prisma.$queryRawUnsafe<{ variant: string; sessions: number; turns: number; escalated: number }[]>(
      VARIANT_COUNT_SQL.traffic,
      ...args,
    ),
    // The statements' shapes are explained where they are written (VARIANT_COUNT_SQL).
    prisma.$queryRawUnsafe<{ variant: string; rated: number; positive: number }[]>(
      VARIANT_COUNT_SQL.ratings,
      ...args,
    ),
    // Every reviewed turn with its labels; the truth is decided by agreedIntent, as for training data.
    prisma.$queryRawUnsafe<
      {
        variant: string;
        predicted: string | null;
        finalIntent: string | null;
        labels: { intent: string }[] | null;
      }[]
    >(VARIANT_COUNT_SQL.reviewed, ...args),
  ]);
  for (const r of traffic)
    Object.assign(out.get(r.variant) ?? {}, {
      sessions: r.sessions,
      turns: r.turns,
      escalatedSessions: r.escalated,
    });
  for (const r of feedback) Object.assign(out.get(r.variant) ?? {}, { rated: r.rated, positive: r.positive });
  for (const r of accuracy) {
    const truth = agreedIntent(r.labels ?? [], r.finalIntent);
    const counts = out.get(r.variant);
    if (!truth || !counts) continue;
    counts.labeled++;
    if (truth === r.predicted) counts.correct++;
  }
  return out;
}
