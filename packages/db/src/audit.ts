import type { Prisma } from '../../../prisma/generated/client.ts';
import type { TransactionClient } from './transaction.ts';

/** Who made a change: a console user, a storefront key, or the system itself (the trainer, a schedule). */
export type TActor = { type: 'USER' | 'API_KEY' | 'SYSTEM'; id?: string | null; display: string };

/** The user a change points at: only a user is a row to point at; a key or the system is kept by its display form. */
export const actorUserId = (actor: TActor): string | null =>
  actor.type === 'USER' ? (actor.id ?? null) : null;

export type TAuditWrite = {
  actor: TActor;
  action: string;
  targetType: string;
  targetId: string | null;
  data: Prisma.InputJsonValue;
};

/**
 * Writes one audit entry in the caller's transaction, beside the change it records: a change is never
 * stored without its entry, nor an entry without its change. The one place that knows the entry's shape.
 */
export async function writeAudit(tx: TransactionClient, entry: TAuditWrite): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorType: entry.actor.type,
      actorId: actorUserId(entry.actor),
      actor: entry.actor.display,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      data: entry.data,
    },
  });
}
