import { Prisma, type PrismaClient, type TransactionClient, writeAudit } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { auditActorOf } from '../audit/audit-actor.ts';
import { openItemsInOrder } from './open-items-sql.ts';
import type { TEntitySpan, TLabelTask, TReviewFilters, TSuggestion } from './review-types.ts';

/** A claim older than this is let go: the item may go to someone else. */
export const CLAIM_TTL_MINUTES = 10;
const CONTEXT_TURNS = 4;

/**
 * The next turns for one reviewer to label, most uncertain first. An item is offered while it still lacks
 * labels counting this reviewer's claim: others' finished labels plus others' live claims stay under
 * `requiredLabels`, so an overlap item (two labels) goes to two different people and an ordinary one to
 * one. Never an item this reviewer already labeled or skipped, never one in `exclude` (what the browser
 * already holds: it prefetches the next batch while the reviewer works). Returned items are claimed, and the
 * caller's claims on the `exclude` items are renewed (see `renewHeldClaims`).
 * Labels others gave are not part of a task: nobody sees another's label before giving theirs. Claiming is a
 * change (a POST, not a GET a prefetch could send), audited as `review.claim` with the items claimed and
 * the claims renewed.
 */
export async function nextLabelTasks(
  prisma: PrismaClient,
  input: {
    user: Pick<TActor, 'id' | 'email'>;
    filters: TReviewFilters;
    exclude?: string[];
    limit?: number;
  },
): Promise<TLabelTask[]> {
  const userId = input.user.id;
  const limit = Math.min(Math.max(input.limit ?? 5, 1), 20);
  const exclude = input.exclude ?? [];
  const stillWanted = Prisma.sql`NOT (ri.id = ANY(${exclude}::uuid[]))
    AND NOT EXISTS (SELECT 1 FROM "ReviewAssignment" a
      WHERE a."reviewItemId" = ri.id AND a."userId" = ${userId}::uuid AND a."completedAt" IS NOT NULL)
    AND ${othersLeaveRoom(userId)}`;
  const ids = await prisma.$transaction(async (tx) => {
    const renewed = await renewHeldClaims(tx, userId, exclude);
    const claimed = await claimNew(tx, { userId, filters: input.filters, limit, stillWanted });
    if (claimed.length === 0 && renewed.length === 0) return [];
    await writeAudit(tx, {
      actor: auditActorOf(input.user),
      action: 'review.claim',
      targetType: 'ReviewItem',
      targetId: claimed.length === 1 ? (claimed[0] ?? null) : null,
      data: { items: claimed, renewed },
    });
    return claimed;
  });
  if (ids.length === 0) return [];
  return loadTasks(prisma, ids);
}

/**
 * The item still lacks labels counting one more from `userId`: others' finished labels plus others' live
 * claims stay under `requiredLabels`. (A skip finishes an assignment without counting as a label.)
 */
function othersLeaveRoom(userId: string) {
  return Prisma.sql`(SELECT count(*) FROM "ReviewAssignment" a
      WHERE a."reviewItemId" = ri.id AND a."userId" <> ${userId}::uuid
        AND ((a."completedAt" IS NOT NULL AND a."skippedAt" IS NULL)
          OR (a."completedAt" IS NULL AND a."assignedAt" > now() - make_interval(mins => ${CLAIM_TTL_MINUTES}))))
      < ri."requiredLabels"`;
}

/**
 * The turns the browser still holds are claimed for as long as it holds them: it asks for more while the
 * reviewer works through them, so a slow reviewer's later turns are not handed to someone else when their
 * claims pass CLAIM_TTL_MINUTES (one of the two would lose the work). Only the caller's own unfinished
 * claims, and only where the item still has room for them: a lapsed claim whose item went to another
 * reviewer meanwhile stays lapsed, or a one-label item would have two holders. Returns the items renewed.
 */
async function renewHeldClaims(tx: TransactionClient, userId: string, held: string[]): Promise<string[]> {
  if (held.length === 0) return [];
  // The items' locks, in id order (as review/labeller-changes.ts takes them), before the check: a claim made
  // after waits for this one, or skips the item (claiming skips locked rows). An item another transaction
  // holds (a label, a skip, a batch of a labeller change) is skipped, not waited for: asking for turns never
  // waits on someone else's work, and the next ask (the browser asks whenever fewer than four turns are left
  // on screen) renews it.
  const locked = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT ri.id FROM "ReviewItem" ri WHERE ri.id IN (
      SELECT "reviewItemId" FROM "ReviewAssignment"
      WHERE "userId" = ${userId}::uuid AND "completedAt" IS NULL AND "reviewItemId" = ANY(${held}::uuid[]))
    ORDER BY ri.id FOR UPDATE SKIP LOCKED`);
  if (locked.length === 0) return [];
  const renewed = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    UPDATE "ReviewAssignment" ra SET "assignedAt" = now()
    FROM "ReviewItem" ri
    WHERE ri.id = ra."reviewItemId" AND ra."userId" = ${userId}::uuid AND ra."completedAt" IS NULL
      AND ra."reviewItemId" = ANY(${locked.map((r) => r.id)}::uuid[])
      AND ri.status IN ('OPEN', 'IN_PROGRESS') AND ${othersLeaveRoom(userId)}
    RETURNING ri.id`);
  return renewed.map((r) => r.id);
}

/**
 * Finds and claims up to `limit` items still wanted, most uncertain first. Finding and claiming hold the
 * items' row locks from the first read to the commit, and skip rows another claim (or label, or skip: they
 * lock the item too) holds: two reviewers asking at once get disjoint items. The second read sees claims
 * committed after the first read's snapshot but before its lock was granted; without it both could still
 * take an item, the later one having read the earlier one's claim as absent.
 */
async function claimNew(
  tx: TransactionClient,
  input: { userId: string; filters: TReviewFilters; limit: number; stillWanted: Prisma.Sql },
): Promise<string[]> {
  const found = await tx.$queryRaw<{ id: string }[]>(
    openItemsInOrder(input.filters, input.limit, input.stillWanted, { lockSkipLocked: true }),
  );
  if (found.length === 0) return [];
  const held = found.map((r) => r.id);
  const wanted = new Set(
    (
      await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        SELECT ri.id FROM "ReviewItem" ri WHERE ri.id = ANY(${held}::uuid[])
          AND ri.status IN ('OPEN', 'IN_PROGRESS') AND ${input.stillWanted}`)
    ).map((r) => r.id),
  );
  const claimed = held.filter((id) => wanted.has(id));
  if (claimed.length === 0) return [];
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO "ReviewAssignment" (id, "reviewItemId", "userId", "assignedAt")
    SELECT gen_random_uuid(), x, ${input.userId}::uuid, now() FROM unnest(${claimed}::uuid[]) x
    ON CONFLICT ("reviewItemId", "userId") DO UPDATE SET "assignedAt" = now()`);
  return claimed;
}

type TStoredTopK = { intent?: unknown; confidence?: unknown; p?: unknown }[];

/** The model's top-k as serving stores it ({intent, confidence}; older rows {intent, p}), best first, up to 9. */
export function suggestionsOf(topK: unknown): TSuggestion[] {
  if (!Array.isArray(topK)) return [];
  return (topK as TStoredTopK)
    .flatMap((e) => {
      const p = typeof e.confidence === 'number' ? e.confidence : e.p;
      return typeof e.intent === 'string' && typeof p === 'number' ? [{ intent: e.intent, p }] : [];
    })
    .slice(0, 9);
}

async function loadTasks(prisma: PrismaClient, ids: string[]): Promise<TLabelTask[]> {
  const items = await prisma.reviewItem.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      reason: true,
      priority: true,
      message: {
        select: {
          id: true,
          conversationId: true,
          seq: true,
          text: true,
          intent: true,
          confidence: true,
          topK: true,
          entities: true,
          variant: true,
          modelVersion: { select: { version: true } },
        },
      },
    },
  });
  const around = await prisma.message.findMany({
    where: {
      OR: items.map((i) => ({
        conversationId: i.message.conversationId,
        seq: { gte: i.message.seq - CONTEXT_TURNS, lte: i.message.seq + CONTEXT_TURNS },
      })),
    },
    orderBy: { seq: 'asc' },
    select: { conversationId: true, seq: true, role: true, text: true },
  });
  const byId = new Map(
    items.map(({ id, reason, priority, message: m }) => [
      id,
      {
        reviewItemId: id,
        messageId: m.id,
        reason,
        priority,
        text: m.text,
        seq: m.seq,
        suggestions: suggestionsOf(m.topK),
        entities: (m.entities as TEntitySpan[] | null) ?? [],
        prediction: {
          intent: m.intent,
          confidence: m.confidence,
          modelVersion: m.modelVersion?.version ?? null,
          variant: m.variant,
        },
        context: around
          .filter((a) => a.conversationId === m.conversationId)
          .map(({ seq, role, text }) => ({ seq, role, text })),
      } satisfies TLabelTask,
    ]),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}
