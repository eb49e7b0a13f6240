import type { PrismaClient } from '@acsa/db';
import { agreedIntent } from './learning-data/agreed-intent.ts';

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
  const msgs = (extra: string) => `
    SELECT m.id, m.variant, m.intent, m."conversationId" ${extra}
    FROM "Message" m JOIN unnest($1::text[], $2::uuid[]) AS v(name, vid)
      ON m.variant = v.name AND m."modelVersionId" = v.vid
    WHERE m.role = 'USER' AND m."createdAt" >= $3 AND m."createdAt" < $4`;
  const args = [names, ids, window.from, window.to] as const;
  const [traffic, feedback, accuracy] = await Promise.all([
    prisma.$queryRawUnsafe<{ variant: string; sessions: number; turns: number; escalated: number }[]>(
      `WITH msgs AS (${msgs(`, EXISTS (SELECT 1 FROM "Escalation" e WHERE e."messageId" = m.id) AS escalated`)})
       SELECT variant, count(DISTINCT "conversationId")::int AS sessions, count(*)::int AS turns,
              count(DISTINCT "conversationId") FILTER (WHERE escalated)::int AS escalated
       FROM msgs GROUP BY variant`,
      ...args,
    ),
    // Ratings land on the agent's reply (seq + 1) to a customer turn of the variant.
    prisma.$queryRawUnsafe<{ variant: string; rated: number; positive: number }[]>(
      `WITH msgs AS (${msgs(', m.seq')})
       SELECT msgs.variant,
              count(*) FILTER (WHERE f.thumbs IS NOT NULL OR f.rating IS NOT NULL)::int AS rated,
              count(*) FILTER (WHERE f.thumbs OR f.rating >= 4)::int AS positive
       FROM msgs
       JOIN "Message" a ON a."conversationId" = msgs."conversationId" AND a.seq = msgs.seq + 1
       JOIN "Feedback" f ON f."messageId" = a.id
       GROUP BY msgs.variant`,
      ...args,
    ),
    // Every reviewed turn with its labels; the truth is decided by agreedIntent, as for training data.
    prisma.$queryRawUnsafe<
      {
        variant: string;
        predicted: string | null;
        finalIntent: string | null;
        labels: { intent: string }[];
      }[]
    >(
      `WITH msgs AS (${msgs('')})
       SELECT msgs.variant, msgs.intent AS predicted, r."finalIntent",
              (SELECT json_agg(json_build_object('intent', l.intent)) FROM "Label" l WHERE l."messageId" = msgs.id) AS labels
       FROM msgs LEFT JOIN "ReviewItem" r ON r."messageId" = msgs.id
       WHERE r."finalIntent" IS NOT NULL OR EXISTS (SELECT 1 FROM "Label" l WHERE l."messageId" = msgs.id)`,
      ...args,
    ),
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
