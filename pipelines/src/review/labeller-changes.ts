import { Prisma, type TransactionClient } from '@acsa/db';
import type { TAnyActor } from '../audit/audit-actor.ts';
import { auditIn } from '../audit/audited.ts';
import { labellerWhere, settle } from './label-actions.ts';

/**
 * How far back a SKIPPED item reopens when a labeller joins. Not all of them: a shop that went months
 * without a reviewer has a backlog of turns predicted by models retrained since, and a new reviewer's first
 * inbox should not be buried under it (nor should one user change lock thousands of items). Thirty days
 * matches how long an engineer's last label keeps them a labeller; raising it brings older turns back.
 */
const REOPEN_SKIPPED_WITHIN_MS = 30 * 24 * 3_600_000;

/** Whether the user is, right now in this transaction, someone items wait for (see `labellerWhere`). */
export async function isLabeller(tx: TransactionClient, userId: string): Promise<boolean> {
  return (await tx.user.count({ where: { id: userId, ...labellerWhere() } })) > 0;
}

/**
 * Locks the items (in id order, so two user changes never deadlock), and settles each one still in one of
 * `from` as a label or a skip would, audited one entry per item moved, as disabling hands back escalations.
 */
async function resettle(
  tx: TransactionClient,
  actor: TAnyActor,
  input: { ids: string[]; from: ('OPEN' | 'IN_PROGRESS' | 'SKIPPED')[]; action: string; userId: string },
) {
  if (input.ids.length === 0) return 0;
  const locked = await tx.$queryRaw<{ id: string; status: string }[]>(Prisma.sql`
    SELECT id, status::text AS status FROM "ReviewItem" WHERE id = ANY(${input.ids}::uuid[])
    ORDER BY id FOR UPDATE`);
  let moved = 0;
  for (const item of locked) {
    // Read after the lock: a label or skip that committed meanwhile has settled it already.
    if (!(input.from as string[]).includes(item.status)) continue;
    const after = await settle(tx, item.id);
    if (after.status === item.status) continue;
    moved += 1;
    await auditIn(tx, actor, {
      action: input.action,
      targetType: 'ReviewItem',
      targetId: item.id,
      before: { status: item.status },
      after: { status: after.status, finalIntent: after.finalIntent, user: input.userId },
    });
  }
  return moved;
}

/**
 * Follows a user change (added, role changed, disabled or enabled) into the review inbox, in the user
 * change's transaction. Someone who became a labeller reopens the SKIPPED items they could label (closed
 * because nobody was left; those they skipped themselves stay closed); someone who stopped being one settles
 * the open items that were waiting only on them, on the labels they have or, with none, as SKIPPED.
 */
export async function followLabellerChange(
  tx: TransactionClient,
  actor: TAnyActor,
  input: { userId: string; wasLabeller: boolean },
): Promise<{ reviewItemsReopened: number; reviewItemsSettled: number }> {
  const { userId, wasLabeller } = input;
  const isNow = await isLabeller(tx, userId);
  if (isNow && !wasLabeller) {
    const skipped = await tx.reviewItem.findMany({
      where: {
        status: 'SKIPPED',
        resolvedAt: { gte: new Date(Date.now() - REOPEN_SKIPPED_WITHIN_MS) },
        labels: { none: {} },
        assignments: { none: { userId, completedAt: { not: null } } },
      },
      select: { id: true },
    });
    const ids = skipped.map((i) => i.id);
    const reopened = await resettle(tx, actor, { ids, from: ['SKIPPED'], action: 'review.reopen', userId });
    return { reviewItemsReopened: reopened, reviewItemsSettled: 0 };
  }
  if (wasLabeller && !isNow) {
    // Items this user had neither labeled nor skipped, which every remaining labeller has: nobody is left.
    // Not airtight: a skip committing between this read and the commit counted this user as still there
    // (uncommitted), so its item stays open until the next label, skip or user change settles it.
    const others = await tx.user.findMany({ where: labellerWhere(), select: { id: true } });
    const waiting = await tx.reviewItem.findMany({
      where: {
        status: { in: ['OPEN', 'IN_PROGRESS'] },
        assignments: { none: { userId, completedAt: { not: null } } },
        AND: others.map((o) => ({ assignments: { some: { userId: o.id, completedAt: { not: null } } } })),
      },
      select: { id: true },
    });
    const ids = waiting.map((i) => i.id);
    const settled = await resettle(tx, actor, {
      ids,
      from: ['OPEN', 'IN_PROGRESS'],
      action: 'review.settle',
      userId,
    });
    return { reviewItemsReopened: 0, reviewItemsSettled: settled };
  }
  return { reviewItemsReopened: 0, reviewItemsSettled: 0 };
}
