import { AppError } from '@acsa/core/errors';
import type { Escalation, PrismaClient, TransactionClient } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { audited, auditIn } from '../audit/audited.ts';

const SNAPSHOT = {
  id: true,
  status: true,
  assigneeId: true,
  takenAt: true,
  resolvedAt: true,
  resolutionNote: true,
} as const;

/**
 * Refuses a taker whose account is disabled, holding their user row FOR SHARE until the take commits.
 * Disabling writes that row before it hands back what the user holds, so the two are serialised: a take
 * that locks first commits before the disable reads the user's escalations (and is handed back), and one
 * that locks after reads the disabled row. Read without the lock, a take committing just after the disable
 * read their escalations would stay with someone who can no longer answer. Take it before any escalation
 * row, in the disable's order (user, then escalations), so the two never deadlock.
 */
async function refuseDisabledTaker(tx: TransactionClient, actor: TActor) {
  const [taker] = await tx.$queryRaw<{ disabledAt: Date | null }[]>`
    SELECT "disabledAt" FROM "User" WHERE id = ${actor.id}::uuid FOR SHARE`;
  // A user row that is gone is an account that can no longer act either.
  if (!taker || taker.disabledAt) throw new AppError('FORBIDDEN', 'your account is disabled');
}

/**
 * Takes an open escalation: it becomes this person's, so two people never work one. The update is
 * conditional on the row still being open, so of two people pressing "take" at once exactly one wins and
 * the other is told who has it (CONFLICT). A disabled account takes nothing (FORBIDDEN).
 */
export async function takeEscalation(prisma: PrismaClient, actor: TActor, id: string) {
  return audited(prisma, actor, async (tx) => {
    await refuseDisabledTaker(tx, actor);
    const before = await tx.escalation.findUnique({ where: { id }, select: SNAPSHOT });
    if (!before) throw new AppError('NOT_FOUND', 'no such escalation');
    const { count } = await tx.escalation.updateMany({
      where: { id, status: 'OPEN' },
      data: { status: 'ASSIGNED', assigneeId: actor.id, takenAt: new Date() },
    });
    if (count === 0) {
      const holder = before.assigneeId
        ? await tx.user.findUnique({ where: { id: before.assigneeId }, select: { name: true } })
        : null;
      throw new AppError(
        'CONFLICT',
        before.status === 'RESOLVED'
          ? 'this escalation is already resolved'
          : `${holder?.name ?? 'someone else'} has already taken this escalation`,
      );
    }
    const after = await tx.escalation.findUniqueOrThrow({ where: { id }, select: SNAPSHOT });
    return {
      result: after,
      audit: { action: 'escalation.take', targetType: 'Escalation', targetId: id, before, after },
    };
  });
}

async function mine(tx: TransactionClient, actor: TActor, id: string) {
  const before = await tx.escalation.findUnique({ where: { id }, select: SNAPSHOT });
  if (!before) throw new AppError('NOT_FOUND', 'no such escalation');
  if (before.status !== 'ASSIGNED' || before.assigneeId !== actor.id)
    throw new AppError('CONFLICT', 'only the person who took this escalation can do that; take it first');
  return before;
}

/** Resolves an escalation the actor holds, with a note saying what was done. */
export async function resolveEscalation(
  prisma: PrismaClient,
  actor: TActor,
  input: { id: string; note: string },
) {
  const note = input.note.trim();
  if (!note) throw new AppError('BAD_REQUEST', 'say what was done in a note', { field: 'note' });
  return audited(prisma, actor, async (tx) => {
    const before = await mine(tx, actor, input.id);
    const after = await tx.escalation.update({
      where: { id: input.id },
      data: { status: 'RESOLVED', resolvedAt: new Date(), resolutionNote: note },
      select: SNAPSHOT,
    });
    await tx.conversation.updateMany({
      where: { escalations: { some: { id: input.id } }, status: 'ESCALATED' },
      data: { status: 'CLOSED' },
    });
    return {
      result: after,
      audit: { action: 'escalation.resolve', targetType: 'Escalation', targetId: input.id, before, after },
    };
  });
}

/**
 * Puts an escalation back in the queue (open, unassigned) if the person in `before` still holds it: the
 * update is conditional, so a resolve that commits first is never reopened. Null when they no longer hold it.
 */
async function backToQueue(tx: TransactionClient, before: Pick<Escalation, 'id' | 'status' | 'assigneeId'>) {
  const { count } = await tx.escalation.updateMany({
    where: { id: before.id, status: 'ASSIGNED', assigneeId: before.assigneeId },
    data: { status: 'OPEN', assigneeId: null, takenAt: null },
  });
  if (count === 0) return null;
  const after = await tx.escalation.findUniqueOrThrow({ where: { id: before.id }, select: SNAPSHOT });
  return {
    result: after,
    audit: { action: 'escalation.hand-back', targetType: 'Escalation', targetId: before.id, before, after },
  };
}

/** Hands an escalation back to the queue (open, unassigned) for someone else to take. */
export async function handBackEscalation(prisma: PrismaClient, actor: TActor, id: string) {
  return audited(prisma, actor, async (tx) => {
    const moved = await backToQueue(tx, await mine(tx, actor, id));
    if (!moved) throw new AppError('CONFLICT', 'this escalation changed meanwhile; reload it');
    return moved;
  });
}

/**
 * Hands back every escalation a user holds, in the caller's transaction, each audited as a hand-back by
 * `actor`: for a holder who can no longer act on them (disabled), since nobody else may resolve or hand
 * back what someone holds. Returns how many went back.
 */
export async function handBackAllHeldBy(tx: TransactionClient, actor: TActor, userId: string) {
  const held = await tx.escalation.findMany({
    where: { assigneeId: userId, status: 'ASSIGNED' },
    select: SNAPSHOT,
    orderBy: { createdAt: 'asc' },
  });
  let handedBack = 0;
  for (const before of held) {
    const moved = await backToQueue(tx, before);
    if (!moved) continue;
    await auditIn(tx, actor, moved.audit);
    handedBack++;
  }
  return handedBack;
}
