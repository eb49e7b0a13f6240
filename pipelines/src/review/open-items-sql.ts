import { Prisma } from '@acsa/db';
import type { TReviewFilters } from './review-types.ts';

const STATUSES = ['OPEN', 'IN_PROGRESS'] as const;

/**
 * The ids of open review items matching `filters` (and `extra`, a condition on ri/m), most uncertain first,
 * at most `limit`: one ordered index scan per (status, reason) — the (status, priority) and (reason, status,
 * priority) indexes each return rows already in order and stop at `limit` — merged and cut again. A single
 * `status IN (…) AND reason = ANY(…)` query cannot use an index for the order and sorts every open item
 * (bench/console: 112 ms at 30,000 items, growing with the inbox). The indexes end with createdAt, the tie-break, so no sort at all.
 * `lockSkipLocked` locks the rows each branch returns (inside the caller's transaction) and skips rows
 * another transaction holds: how claiming hands concurrent reviewers disjoint items.
 */
export function openItemsInOrder(
  filters: TReviewFilters,
  limit: number,
  extra: Prisma.Sql = Prisma.sql`TRUE`,
  options: { lockSkipLocked?: boolean } = {},
): Prisma.Sql {
  const { reasons, intent, modelVersionId } = filters;
  const parts = STATUSES.flatMap((status) =>
    (reasons.length ? reasons : [null]).map((reason) => {
      const branch = Prisma.sql`
        SELECT ri.id, ri.priority, ri."createdAt" FROM "ReviewItem" ri JOIN "Message" m ON m.id = ri."messageId"
        WHERE ri.status = ${status}::"ReviewStatus"
          ${reason ? Prisma.sql`AND ri.reason = ${reason}::"ReviewReason"` : Prisma.empty}
          ${intent ? Prisma.sql`AND m.intent = ${intent}` : Prisma.empty}
          ${modelVersionId ? Prisma.sql`AND m."modelVersionId" = ${modelVersionId}::uuid` : Prisma.empty}
          AND ${extra}
        ORDER BY ri.priority DESC, ri."createdAt" ASC LIMIT ${limit}`;
      // PostgreSQL refuses FOR UPDATE in a UNION's own branches but takes it in a sub-select. Rows another
      // caller holds are passed over and the scan goes on, so each branch still fills up to `limit`.
      return options.lockSkipLocked
        ? Prisma.sql`SELECT * FROM (${branch} FOR UPDATE OF ri SKIP LOCKED) b`
        : Prisma.sql`(${branch})`;
    }),
  );
  return Prisma.sql`SELECT id, priority, "createdAt" FROM (${Prisma.join(parts, ' UNION ALL ')}) u
    ORDER BY priority DESC, "createdAt" ASC LIMIT ${limit}`;
}
