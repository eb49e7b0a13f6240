import type { PrismaClient } from '@acsa/db';
import type { TInteractionEvent } from '@acsa/pipelines';
import { NO_MODEL_VERSION } from '@acsa/pipelines/analytics';

export type TRecorded = { counted: boolean };

/** Counts one turn into its hour's stats (recordInteractions with one event). */
export async function recordInteraction(prisma: PrismaClient, e: TInteractionEvent): Promise<TRecorded> {
  const r = await recordInteractions(prisma, [e]);
  return { counted: r.counted > 0 };
}

export type TRecordedBatch = { counted: number };

/**
 * Counts a batch of turns into their hours' stats in one statement, so a crash leaves either all of it or
 * none, and a batch costs PostgreSQL one round trip and one upsert per (version, variant, hour) instead of
 * statements per event (bench/serving/everything). The receipt rows make a redelivered event count once,
 * within a batch too. Review items are not made here: the turn's own INSERT made them (the review triggers,
 * with the console's threshold and overlap share), before the event was even published.
 */
export async function recordInteractions(
  prisma: PrismaClient,
  events: readonly TInteractionEvent[],
): Promise<TRecordedBatch> {
  if (!events.length) return { counted: 0 };
  const col = <T>(f: (e: TInteractionEvent) => T) => events.map(f);
  const rows = await prisma.$queryRaw<{ counted: number }[]>`
    WITH ev AS (
      SELECT * FROM unnest(
        ${col((e) => e.messageId)}::uuid[], ${col((e) => e.modelVersionId ?? NO_MODEL_VERSION)}::uuid[],
        ${col((e) => e.variant ?? '')}::text[], ${col((e) => e.at)}::timestamptz[],
        ${col((e) => (e.escalated ? 1 : 0))}::int[], ${col((e) => (e.lowConfidence ? 1 : 0))}::int[],
        ${col((e) => (e.outOfScope ? 1 : 0))}::int[]
      ) AS t(id, version, variant, at, escalated, low, oos)
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
    )
    SELECT (SELECT count(*) FROM fresh)::int AS counted`;
  return { counted: rows[0]?.counted ?? 0 };
}

/**
 * Forgets receipts older than `olderThan`. Redeliveries come within minutes (a retried job, an outbox relay
 * that crashed between sending and deleting), so old receipts guard against nothing and only take space.
 */
export async function pruneReceipts(prisma: PrismaClient, olderThan: Date): Promise<number> {
  const { count } = await prisma.interactionReceipt.deleteMany({ where: { receivedAt: { lt: olderThan } } });
  return count;
}
