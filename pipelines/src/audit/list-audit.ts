import { isUuid } from '@acsa/core/ids';
import { Prisma, type PrismaClient } from '@acsa/db';
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

/** The version ids an alias move's entry holds (`from`, `to`: moveAlias writes ids, and only `to`'s name). */
const versionIdsIn = (r: { targetType: string; data: unknown }) => {
  if (r.targetType !== 'ModelAlias' || typeof r.data !== 'object' || r.data === null) return [];
  const { from, to } = r.data as Record<string, unknown>;
  return [from, to].filter((v): v is string => typeof v === 'string' && isUuid(v));
};

/**
 * The latest audit entries, newest first, optionally narrowed by actor, action and target, and paged by id:
 * ids grow with every insert, so "older than the last id shown" is a stable page boundary while new
 * entries keep arriving (an offset would shift under them). Each entry carries `targetName`, the user's
 * email for a User target whose entry does not say it, and `versionNames`, the name of each model version
 * an alias move names by id, so the page never has to print a bare uuid. One query each for the page.
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
  const versionIds = [...new Set(rows.flatMap(versionIdsIn))];
  const [users, versions] = await Promise.all([
    userIds.length
      ? prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })
      : [],
    versionIds.length
      ? prisma.modelVersion.findMany({
          where: { id: { in: versionIds } },
          select: { id: true, version: true },
        })
      : [],
  ]);
  const emails = new Map(users.map((u) => [u.id, u.email]));
  const names = new Map(versions.map((v) => [v.id, v.version]));
  return rows.map((r) => ({
    ...r,
    id: r.id.toString(),
    targetName: r.targetType === 'User' && r.targetId ? (emails.get(r.targetId) ?? null) : null,
    // A version since deleted keeps its id: the page shows the end of it.
    versionNames: Object.fromEntries(
      versionIdsIn(r).flatMap((id) => {
        const name = names.get(id);
        return name ? [[id, name]] : [];
      }),
    ) as Record<string, string>,
  }));
}

/**
 * A column's distinct values, read as a loose index scan: each step asks its index (action, at) or
 * (targetType, targetId) for the first value after the last one, so the cost grows with the number of
 * values (tens), not of rows. Prisma's `distinct` fetched every AuditLog row and deduplicated in memory;
 * a plain SELECT DISTINCT still reads the whole table. Dropping either index makes this a scan per value.
 */
function distinctValues(prisma: PrismaClient, column: 'action' | 'targetType'): Promise<{ v: string }[]> {
  const c = Prisma.raw(`"${column}"`);
  return prisma.$queryRaw<{ v: string }[]>(Prisma.sql`
    WITH RECURSIVE d(v) AS (
      (SELECT ${c} FROM "AuditLog" ORDER BY ${c} LIMIT 1)
      UNION ALL
      SELECT (SELECT l.${c} FROM "AuditLog" l WHERE l.${c} > d.v ORDER BY l.${c} LIMIT 1) FROM d WHERE d.v IS NOT NULL
    )
    SELECT v FROM d WHERE v IS NOT NULL`);
}

/** The actions and target types recorded so far, for the filter's choices, in order. */
export async function auditVocabulary(prisma: PrismaClient) {
  const [actions, targets] = await Promise.all([
    distinctValues(prisma, 'action'),
    distinctValues(prisma, 'targetType'),
  ]);
  return { actions: actions.map((a) => a.v), targetTypes: targets.map((t) => t.v) };
}
