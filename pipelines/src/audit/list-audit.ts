import { isUuid } from '@acsa/core/ids';
import type { PrismaClient } from '@acsa/db';
import { SIGN_IN_ATTEMPT } from '../access/audit-actions.ts';

export type TAuditFilter = {
  limit?: number;
  /** Part of the actor's display name (an email, "system:trainer", "cli:…"), any case. */
  actor?: string;
  /** An action or its start: "model.alias" matches model.alias.promote and model.alias.rollback. */
  action?: string;
  targetType?: string;
  /**
   * Include the password checks (`auth.sign-in-attempt`, one per sign-in try): left out unless asked here or
   * by naming that action, as they would bury the changes. Sign-ins and sign-outs themselves stay.
   */
  passwordChecks?: boolean;
  /** Keyset cursor: only entries older than this id (the last id of the page before). */
  beforeId?: string;
};

const cursor = (id: string | undefined) => (id && /^\d{1,19}$/.test(id) ? BigInt(id) : null);

/**
 * The latest audit entries, newest first, optionally narrowed by actor, action and target, and paged by id:
 * ids grow with every insert, so "older than the last id shown" is a stable page boundary while new
 * entries keep arriving (an offset would shift under them). Each entry carries `targetName`, the user's
 * email for a User target whose entry does not say it, so the page never has to print a bare uuid.
 */
export async function listAudit(prisma: PrismaClient, opts: TAuditFilter = {}) {
  const before = cursor(opts.beforeId);
  const action = opts.action?.trim();
  const rows = await prisma.auditLog.findMany({
    where: {
      ...(opts.passwordChecks || action === SIGN_IN_ATTEMPT ? {} : { action: { not: SIGN_IN_ATTEMPT } }),
      ...(opts.actor?.trim() ? { actor: { contains: opts.actor.trim(), mode: 'insensitive' as const } } : {}),
      ...(action ? { AND: { action: { startsWith: action } } } : {}),
      ...(opts.targetType?.trim() ? { targetType: opts.targetType.trim() } : {}),
      ...(before !== null ? { id: { lt: before } } : {}),
    },
    orderBy: { id: 'desc' },
    take: Math.min(opts.limit ?? 100, 500),
  });
  const userIds = [
    ...new Set(
      rows.flatMap((r) => (r.targetType === 'User' && r.targetId && isUuid(r.targetId) ? [r.targetId] : [])),
    ),
  ];
  const users = userIds.length
    ? await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })
    : [];
  const emails = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    ...r,
    id: r.id.toString(),
    targetName: r.targetType === 'User' && r.targetId ? (emails.get(r.targetId) ?? null) : null,
  }));
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
