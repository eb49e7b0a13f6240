import { AppError } from '@acsa/core/errors';
import type { PrismaClient } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { audited } from '../audit/audited.ts';

export type TReviewSettings = { overlapShare: number; lowConfidence: number };

/** How review items are made: the overlap share (two labels) and the low-confidence threshold. */
export async function reviewSettings(prisma: PrismaClient): Promise<TReviewSettings> {
  const s = await prisma.reviewSettings.findUnique({ where: { id: 1 } });
  return { overlapShare: s?.overlapShare ?? 0.1, lowConfidence: s?.lowConfidence ?? 0.6 };
}

/**
 * Changes the share of new review items that need two labels from different reviewers (0–100 %), and/or the
 * confidence under which a turn becomes a review item; audited with before and after. Items already made
 * keep the number of labels they were made with.
 */
export async function updateReviewSettings(
  prisma: PrismaClient,
  actor: TActor,
  input: Partial<TReviewSettings>,
): Promise<TReviewSettings> {
  if (input.overlapShare !== undefined && !(input.overlapShare >= 0 && input.overlapShare <= 1))
    throw new AppError(
      'BAD_REQUEST',
      `overlap share must be between 0 and 100 %, not ${input.overlapShare * 100} %`,
    );
  if (input.lowConfidence !== undefined && !(input.lowConfidence > 0 && input.lowConfidence < 1))
    throw new AppError(
      'BAD_REQUEST',
      `the low-confidence threshold must be between 0 and 1, not ${input.lowConfidence}`,
    );
  return audited(prisma, actor, async (tx) => {
    const before = await tx.reviewSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
    const after = await tx.reviewSettings.update({
      where: { id: 1 },
      data: {
        ...(input.overlapShare === undefined ? {} : { overlapShare: input.overlapShare }),
        ...(input.lowConfidence === undefined ? {} : { lowConfidence: input.lowConfidence }),
      },
    });
    const pick = (s: typeof after) => ({ overlapShare: s.overlapShare, lowConfidence: s.lowConfidence });
    return {
      result: pick(after),
      audit: {
        action: 'review.settings',
        targetType: 'ReviewSettings',
        targetId: '1',
        before: pick(before),
        after: pick(after),
      },
    };
  });
}
