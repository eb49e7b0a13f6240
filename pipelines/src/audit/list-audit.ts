import type { PrismaClient } from '@acsa/db';

export type TAuditFilter = {
  limit?: number;
  /** Part of the actor's display name (an email, "system:trainer", "cli:…"), any case. */
  actor?: string;
  /** An action or its start: "model.alias" matches model.alias.promote and model.alias.rollback. */
  action?: string;
  targetType?: string;
};

/** The latest audit entries, newest first (the at index), optionally narrowed by actor, action and target. */
export async function listAudit(prisma: PrismaClient, opts: TAuditFilter = {}) {
  const rows = await prisma.auditLog.findMany({
    where: {
      ...(opts.actor?.trim() ? { actor: { contains: opts.actor.trim(), mode: 'insensitive' as const } } : {}),
      ...(opts.action?.trim() ? { action: { startsWith: opts.action.trim() } } : {}),
      ...(opts.targetType?.trim() ? { targetType: opts.targetType.trim() } : {}),
    },
    orderBy: { at: 'desc' },
    take: Math.min(opts.limit ?? 100, 500),
  });
  return rows.map((r) => ({ ...r, id: r.id.toString() }));
}

/** The actions and target types recorded so far, for the filter's choices. */
export async function auditVocabulary(prisma: PrismaClient) {
  const [actions, targets] = await Promise.all([
    prisma.auditLog.findMany({ distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } }),
    prisma.auditLog.findMany({
      distinct: ['targetType'],
      select: { targetType: true },
      orderBy: { targetType: 'asc' },
    }),
  ]);
  return { actions: actions.map((a) => a.action), targetTypes: targets.map((t) => t.targetType) };
}
