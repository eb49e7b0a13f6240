import { AppError } from '@acsa/core/errors';
import { Prisma, type PrismaClient } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { audited } from '../audit/audited.ts';

/**
 * "Send to review" from a conversation: the customer's turn becomes a review item (reason MANUAL) with the
 * same uncertainty priority and overlap rule as the ones serving's turns make. A turn already in review is
 * left as it is and said so (CONFLICT).
 */
export async function sendToReview(prisma: PrismaClient, actor: TActor, messageId: string) {
  return audited(prisma, actor, async (tx) => {
    const m = await tx.message.findUnique({ where: { id: messageId }, select: { id: true, role: true } });
    if (!m) throw new AppError('NOT_FOUND', 'no such message');
    if (m.role !== 'USER') throw new AppError('BAD_REQUEST', "only the customer's turns are labeled");
    const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
      INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
      SELECT gen_random_uuid(), m.id, 'MANUAL', review_priority(m."topK", m.confidence), review_required_labels(m.id)
      FROM "Message" m WHERE m.id = ${messageId}::uuid
      ON CONFLICT ("messageId") DO NOTHING RETURNING id`);
    if (!rows[0]) throw new AppError('CONFLICT', 'this turn is already in review');
    return {
      result: { reviewItemId: rows[0].id },
      audit: {
        action: 'review.send',
        targetType: 'Message',
        targetId: messageId,
        before: null,
        after: { reviewItemId: rows[0].id, reason: 'MANUAL' },
      },
    };
  });
}
