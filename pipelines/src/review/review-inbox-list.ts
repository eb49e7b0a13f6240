import { Prisma, type PrismaClient, type ReviewReason } from '@acsa/db';
import { openItemsInOrder } from './open-items-sql.ts';
import type { TReviewFilters } from './review-types.ts';

export type TInboxRow = {
  id: string;
  reason: ReviewReason;
  priority: number;
  status: string;
  requiredLabels: number;
  labels: number;
  text: string;
  intent: string | null;
  confidence: number | null;
  modelVersion: string | null;
  createdAt: Date;
};

/**
 * The review inbox: turns still waiting for labels, most uncertain first, filtered by reason, predicted
 * intent and model version. One query on the (status, priority) / (reason, status, priority) indexes with
 * the message joined by primary key, so the first page costs the same with a hundred or a million items.
 */
export async function reviewInboxList(
  prisma: PrismaClient,
  input: { filters: TReviewFilters; limit?: number },
): Promise<TInboxRow[]> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  return prisma.$queryRaw<TInboxRow[]>(reviewInboxSql(input.filters, limit));
}

/** The inbox statement (exported for bench/console's query plans). */
export function reviewInboxSql(filters: TReviewFilters, limit: number): Prisma.Sql {
  // The page first, then its details: the labels count and text are fetched for 50 rows, not every item.
  return Prisma.sql`
    WITH page AS (${openItemsInOrder(filters, limit)})
    SELECT ri.id, ri.reason, ri.priority, ri.status::text AS status, ri."requiredLabels",
           (SELECT count(*)::int FROM "Label" l WHERE l."reviewItemId" = ri.id) AS labels,
           m.text, m.intent, m.confidence, mv.version AS "modelVersion", ri."createdAt"
    FROM page JOIN "ReviewItem" ri ON ri.id = page.id
    JOIN "Message" m ON m.id = ri."messageId"
    LEFT JOIN "ModelVersion" mv ON mv.id = m."modelVersionId"
    ORDER BY ri.priority DESC, ri."createdAt" ASC`;
}

/** Open items per reason, for the inbox's filter chips. */
export async function reviewInboxCounts(prisma: PrismaClient): Promise<Record<string, number>> {
  const rows = await prisma.reviewItem.groupBy({
    by: ['reason'],
    where: { status: { in: ['OPEN', 'IN_PROGRESS'] } },
    _count: { _all: true },
  });
  return Object.fromEntries(rows.map((r) => [r.reason, r._count._all]));
}
