import { AppError } from '@acsa/core/errors';
import type { PrismaClient } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { audited } from '../audit/audited.ts';
import { lockReviewItem } from '../review/label-actions.ts';
import { assertKnownIntent } from '../review/label-checks.ts';

/**
 * Items whose labels disagree, oldest first, each with every label and who gave it; `more` when others wait
 * behind them. One row past the page tells (no index serves a count of these among all review items).
 */
export async function adjudicationList(prisma: PrismaClient, opts: { limit?: number } = {}) {
  const limit = Math.min(opts.limit ?? 50, 200);
  const rows = await prisma.reviewItem.findMany({
    where: { needsAdjudication: true, adjudicatedAt: null },
    orderBy: { resolvedAt: 'asc' },
    take: limit + 1,
    select: {
      id: true,
      message: { select: { text: true, intent: true, confidence: true } },
      labels: {
        orderBy: { createdAt: 'asc' },
        select: { intent: true, createdAt: true, user: { select: { name: true } } },
      },
    },
  });
  return { items: rows.slice(0, limit), more: rows.length > limit };
}

/**
 * An engineer's decision on a disagreement: final, recorded (who, when) and audited; the snapshot takes
 * the item's finalIntent over any vote.
 */
export async function adjudicate(
  prisma: PrismaClient,
  actor: TActor,
  input: { reviewItemId: string; intent: string },
) {
  return audited(prisma, actor, async (tx) => {
    // Locked as label actions lock it: an undo or a label landing between this read and the write below
    // would otherwise be overwritten, leaving an IN_PROGRESS item marked adjudicated that no list shows once
    // its labels disagree again.
    await lockReviewItem(tx, input.reviewItemId);
    const before = await tx.reviewItem.findUnique({
      where: { id: input.reviewItemId },
      select: { id: true, status: true, needsAdjudication: true, adjudicatedAt: true, finalIntent: true },
    });
    if (!before) throw new AppError('NOT_FOUND', 'no such review item');
    if (before.adjudicatedAt)
      throw new AppError('CONFLICT', 'this turn changed meanwhile: another engineer has adjudicated it');
    if (before.status !== 'LABELED' || !before.needsAdjudication)
      throw new AppError(
        'CONFLICT',
        'this turn changed meanwhile: a label was taken back or it was settled, so it no longer waits for adjudication',
      );
    await assertKnownIntent(tx, input.intent);
    const after = await tx.reviewItem.update({
      where: { id: input.reviewItemId },
      data: {
        finalIntent: input.intent,
        needsAdjudication: false,
        adjudicatedById: actor.id,
        adjudicatedAt: new Date(),
      },
      select: { id: true, status: true, needsAdjudication: true, adjudicatedAt: true, finalIntent: true },
    });
    return {
      result: after,
      audit: {
        action: 'review.adjudicate',
        targetType: 'ReviewItem',
        targetId: input.reviewItemId,
        before,
        after,
      },
    };
  });
}
