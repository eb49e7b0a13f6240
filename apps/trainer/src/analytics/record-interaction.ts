import { uuidv7 } from '@acsa/core/ids';
import type { PrismaClient, ReviewReason } from '@acsa/db';
import type { TInteractionEvent } from '@acsa/pipelines';
import { NO_MODEL_VERSION } from '@acsa/pipelines/analytics';
import { type TUncertaintyMeasure, uncertainty } from './uncertainty.ts';

/** Why a turn needs people's eyes, most pressing first; null when it does not. */
export function reviewReason(e: TInteractionEvent): ReviewReason | null {
  if (e.escalated) return 'ESCALATION';
  if (e.outOfScope) return 'OUT_OF_SCOPE';
  if (e.lowConfidence) return 'LOW_CONFIDENCE';
  return null;
}

export type TRecorded = { counted: boolean; review: ReviewReason | null; reviewCreated: boolean };

/**
 * Counts one turn into its hour's stats and opens a review item when it needs one, in one statement, so
 * a crash leaves either all of it or none. The receipt row makes a redelivered event count once; the
 * review item is unique per message, so it is never opened twice either. The review item is only created
 * when the turn's message exists (serving stores it before publishing; a missing one is not retried).
 */
export async function recordInteraction(
  prisma: PrismaClient,
  e: TInteractionEvent,
  opts: { priorityBy?: TUncertaintyMeasure } = {},
): Promise<TRecorded> {
  const review = reviewReason(e);
  const priority = uncertainty(e.topK, opts.priorityBy);
  const rows = await prisma.$queryRaw<{ counted: number; reviewed: number }[]>`
    WITH receipt AS (
      INSERT INTO "InteractionReceipt" ("messageId") VALUES (${e.messageId}::uuid)
      ON CONFLICT DO NOTHING RETURNING 1
    ), stat AS (
      INSERT INTO "TurnStat" ("modelVersionId", variant, hour, turns, escalations, "lowConfidence", "outOfScope")
      SELECT ${e.modelVersionId ?? NO_MODEL_VERSION}::uuid, ${e.variant ?? ''},
             date_trunc('hour', ${e.at}::timestamptz AT TIME ZONE 'UTC'), 1,
             ${e.escalated ? 1 : 0}, ${e.lowConfidence ? 1 : 0}, ${e.outOfScope ? 1 : 0}
      FROM receipt
      ON CONFLICT ("modelVersionId", variant, hour) DO UPDATE SET
        turns = "TurnStat".turns + 1,
        escalations = "TurnStat".escalations + EXCLUDED.escalations,
        "lowConfidence" = "TurnStat"."lowConfidence" + EXCLUDED."lowConfidence",
        "outOfScope" = "TurnStat"."outOfScope" + EXCLUDED."outOfScope"
      RETURNING 1
    ), review AS (
      INSERT INTO "ReviewItem" (id, "messageId", reason, priority)
      SELECT ${uuidv7()}::uuid, m.id, ${review}::"ReviewReason", ${priority}
      FROM "Message" m WHERE m.id = ${e.messageId}::uuid AND ${review}::text IS NOT NULL
      ON CONFLICT ("messageId") DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM stat)::int AS counted, (SELECT count(*) FROM review)::int AS reviewed`;
  const r = rows[0];
  return { counted: (r?.counted ?? 0) > 0, review, reviewCreated: (r?.reviewed ?? 0) > 0 };
}

/**
 * Forgets receipts older than `olderThan`. Redeliveries come within minutes (a retried job, an outbox relay
 * that crashed between sending and deleting), so old receipts guard against nothing and only take space.
 */
export async function pruneReceipts(prisma: PrismaClient, olderThan: Date): Promise<number> {
  const { count } = await prisma.interactionReceipt.deleteMany({ where: { receivedAt: { lt: olderThan } } });
  return count;
}
