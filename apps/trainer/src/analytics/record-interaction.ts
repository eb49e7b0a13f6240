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
 * Counts one turn into its hour's stats and opens a review item when it needs one (recordInteractions with
 * one event).
 */
export async function recordInteraction(
  prisma: PrismaClient,
  e: TInteractionEvent,
  opts: { priorityBy?: TUncertaintyMeasure } = {},
): Promise<TRecorded> {
  const r = await recordInteractions(prisma, [e], opts);
  return { counted: r.counted > 0, review: reviewReason(e), reviewCreated: r.reviewsOpened > 0 };
}

export type TRecordedBatch = { counted: number; reviewsOpened: number };

/**
 * Counts a batch of turns into their hours' stats and opens review items for those that need one, in one
 * statement, so a crash leaves either all of it or none, and a batch costs PostgreSQL one round trip and
 * one upsert per (version, variant, hour) instead of three statements per event (bench/serving/everything).
 * The receipt rows make a redelivered event count once, within a batch too; the review item is unique per
 * message, so it is never opened twice either, and is only created when the turn's message exists (serving
 * stores it before publishing; a missing one is not retried).
 */
export async function recordInteractions(
  prisma: PrismaClient,
  events: readonly TInteractionEvent[],
  opts: { priorityBy?: TUncertaintyMeasure } = {},
): Promise<TRecordedBatch> {
  if (!events.length) return { counted: 0, reviewsOpened: 0 };
  const col = <T>(f: (e: TInteractionEvent) => T) => events.map(f);
  const rows = await prisma.$queryRaw<{ counted: number; reviewed: number }[]>`
    WITH ev AS (
      SELECT * FROM unnest(
        ${col((e) => e.messageId)}::uuid[], ${col((e) => e.modelVersionId ?? NO_MODEL_VERSION)}::uuid[],
        ${col((e) => e.variant ?? '')}::text[], ${col((e) => e.at)}::timestamptz[],
        ${col((e) => (e.escalated ? 1 : 0))}::int[], ${col((e) => (e.lowConfidence ? 1 : 0))}::int[],
        ${col((e) => (e.outOfScope ? 1 : 0))}::int[], ${col(reviewReason)}::text[],
        ${col((e) => uncertainty(e.topK, opts.priorityBy))}::float8[], ${col(() => uuidv7())}::uuid[]
      ) AS t(id, version, variant, at, escalated, low, oos, reason, priority, "reviewId")
    ), receipt AS (
      INSERT INTO "InteractionReceipt" ("messageId") SELECT id FROM ev
      ON CONFLICT DO NOTHING RETURNING "messageId"
    ), fresh AS (
      -- An id twice in the batch has one receipt: DISTINCT ON keeps it counted once.
      SELECT DISTINCT ON (ev.id) ev.* FROM ev JOIN receipt r ON r."messageId" = ev.id
    ), stat AS (
      INSERT INTO "TurnStat" ("modelVersionId", variant, hour, turns, escalations, "lowConfidence", "outOfScope")
      SELECT version, variant, date_trunc('hour', at AT TIME ZONE 'UTC'), count(*), sum(escalated), sum(low), sum(oos)
      FROM fresh GROUP BY 1, 2, 3
      ON CONFLICT ("modelVersionId", variant, hour) DO UPDATE SET
        turns = "TurnStat".turns + EXCLUDED.turns,
        escalations = "TurnStat".escalations + EXCLUDED.escalations,
        "lowConfidence" = "TurnStat"."lowConfidence" + EXCLUDED."lowConfidence",
        "outOfScope" = "TurnStat"."outOfScope" + EXCLUDED."outOfScope"
      RETURNING 1
    ), review AS (
      INSERT INTO "ReviewItem" (id, "messageId", reason, priority)
      SELECT DISTINCT ON (m.id) ev."reviewId", m.id, ev.reason::"ReviewReason", ev.priority
      FROM ev JOIN "Message" m ON m.id = ev.id WHERE ev.reason IS NOT NULL
      ON CONFLICT ("messageId") DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM fresh)::int AS counted, (SELECT count(*) FROM review)::int AS reviewed`;
  const r = rows[0];
  return { counted: r?.counted ?? 0, reviewsOpened: r?.reviewed ?? 0 };
}

/**
 * Forgets receipts older than `olderThan`. Redeliveries come within minutes (a retried job, an outbox relay
 * that crashed between sending and deleting), so old receipts guard against nothing and only take space.
 */
export async function pruneReceipts(prisma: PrismaClient, olderThan: Date): Promise<number> {
  const { count } = await prisma.interactionReceipt.deleteMany({ where: { receivedAt: { lt: olderThan } } });
  return count;
}
