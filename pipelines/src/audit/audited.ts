import type { Prisma, PrismaClient, TransactionClient } from '@acsa/db';
import { withTransaction, writeAudit } from '@acsa/db';
import { asAuditActor, type TAnyActor } from './audit-actor.ts';

export type TAuditEntry = {
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
};

const json = (v: unknown) => JSON.parse(JSON.stringify(v ?? null)) as Prisma.InputJsonValue;

/**
 * Runs a mutation and writes its audit entry (who, what, when, before, after) in the same transaction:
 * a change is never stored without its record, nor a record without its change. `work` returns its result
 * and what the entry holds.
 */
export async function audited<T>(
  prisma: PrismaClient,
  actor: TAnyActor,
  work: (tx: TransactionClient) => Promise<{ result: T; audit: TAuditEntry }>,
): Promise<T> {
  return withTransaction(
    prisma,
    async (tx) => {
      const { result, audit } = await work(tx);
      await auditIn(tx, actor, audit);
      return result;
    },
    { isolationLevel: 'ReadCommitted' },
  );
}

/**
 * Writes one more entry, shaped as audited() writes its own, in a transaction already open: for a change
 * that moves other rows too (disabling a user hands back their escalations), each of which keeps its entry.
 */
export async function auditIn(tx: TransactionClient, actor: TAnyActor, audit: TAuditEntry): Promise<void> {
  await writeAudit(tx, {
    actor: asAuditActor(actor),
    action: audit.action,
    targetType: audit.targetType,
    targetId: audit.targetId,
    data: { before: json(audit.before), after: json(audit.after) },
  });
}
