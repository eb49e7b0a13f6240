import { Prisma, type PrismaClient, writeAudit } from '@acsa/db';
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
 * already holds: it prefetches the next batch while the reviewer works). Returned items are claimed.
 * Labels others gave are not part of a task: nobody sees another's label before giving theirs. Claiming is a
 * change (a POST, not a GET a prefetch could send), audited as `review.claim` with the items claimed.
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
  const rows = await prisma.$queryRaw<{ id: string }[]>(
    openItemsInOrder(
      input.filters,
      limit,
      Prisma.sql`NOT (ri.id = ANY(${exclude}::uuid[]))
        AND NOT EXISTS (SELECT 1 FROM "ReviewAssignment" a
          WHERE a."reviewItemId" = ri.id AND a."userId" = ${userId}::uuid AND a."completedAt" IS NOT NULL)
        AND (SELECT count(*) FROM "ReviewAssignment" a
          WHERE a."reviewItemId" = ri.id AND a."userId" <> ${userId}::uuid
            AND ((a."completedAt" IS NOT NULL AND a."skippedAt" IS NULL)
              OR (a."completedAt" IS NULL AND a."assignedAt" > now() - make_interval(mins => ${CLAIM_TTL_MINUTES}))))
          < ri."requiredLabels"`,
    ),
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO "ReviewAssignment" (id, "reviewItemId", "userId", "assignedAt")
      SELECT gen_random_uuid(), x, ${userId}::uuid, now() FROM unnest(${ids}::uuid[]) x
      ON CONFLICT ("reviewItemId", "userId") DO UPDATE SET "assignedAt" = now()`);
    await writeAudit(tx, {
      actor: auditActorOf(input.user),
      action: 'review.claim',
      targetType: 'ReviewItem',
      targetId: ids.length === 1 ? (ids[0] ?? null) : null,
      data: { items: ids },
    });
  });
  return loadTasks(prisma, ids);
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
