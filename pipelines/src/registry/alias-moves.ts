import { type PrismaClient, withTransaction } from '@acsa/db';
import { moveAlias, moveAliasIn, RegistryError, type TActor, type TAliasMove } from '@acsa/db/registry';
import type { Redis } from 'ioredis';
import { announceAliasMove } from '../alias-announce.ts';
import { PRODUCTION_ALIAS } from './aliases.ts';
import { resolveVersion } from './resolve-version.ts';

export type TRegistryDeps = {
  prisma: PrismaClient;
  /** Announces moves to serving replicas; without it they notice on their next registry poll. */
  redis?: Redis | null;
};

type TMoveOptions = {
  /** Production by default. */
  alias?: string;
  actor: TActor;
  reason?: string | null;
  /** The version the alias was seen at, checked under the alias lock (see TAliasMoveInput). */
  expectedFrom?: string | null;
};

export type TMoveResult = TAliasMove & { fromVersion: string | null; toVersion: string; announced: boolean };

async function announced(deps: TRegistryDeps, move: TAliasMove): Promise<boolean> {
  if (!move.changed || !deps.redis) return false;
  return announceAliasMove(deps.redis, move.alias, move.toVersionId);
}

async function versionName(prisma: PrismaClient, id: string | null): Promise<string | null> {
  if (!id) return null;
  const row = await prisma.modelVersion.findUnique({ where: { id }, select: { version: true } });
  return row?.version ?? null;
}

/** Points an alias (production by default) at a version; recorded in the alias history and audit log. */
export async function promoteVersion(
  deps: TRegistryDeps,
  input: TMoveOptions & { ref: string },
): Promise<TMoveResult> {
  const target = await resolveVersion(deps.prisma, input.ref);
  const move = await moveAlias(deps.prisma, {
    alias: input.alias ?? PRODUCTION_ALIAS,
    toVersionId: target.id,
    kind: 'PROMOTE',
    actor: input.actor,
    reason: input.reason ?? null,
    expectedFrom: input.expectedFrom,
  });
  return {
    ...move,
    fromVersion: await versionName(deps.prisma, move.fromVersionId),
    toVersion: target.version,
    announced: await announced(deps, move),
  };
}

/**
 * Where one move back takes an alias. History is read newest first as a stack: each rollback cancels
 * the move before it, so rolling back twice after v0 → v1 → v2 lands on v0, not back on v2.
 */
export function rollbackTarget(
  history: ReadonlyArray<{ kind: string; fromVersionId: string | null }>,
): string | null | undefined {
  let pending = 0;
  for (const h of history) {
    if (h.kind === 'ROLLBACK') pending++;
    else if (pending > 0) pending--;
    else return h.fromVersionId;
  }
  return undefined;
}

/**
 * Moves an alias one step back: to the version it pointed at before its latest move still in effect. The
 * history is read with the alias row locked, in the move's transaction: read before it, a promotion landing
 * in between was missing from it, and the rollback moved away from that new version to a target worked out
 * from the older history, undoing two decisions instead of one.
 */
export async function rollbackAlias(deps: TRegistryDeps, input: TMoveOptions): Promise<TMoveResult> {
  const alias = input.alias ?? PRODUCTION_ALIAS;
  const move = await withTransaction(deps.prisma, async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "ModelAlias" WHERE name = ${alias} FOR UPDATE`;
    const history = await tx.aliasHistory.findMany({
      where: { alias },
      orderBy: { id: 'desc' },
      select: { kind: true, fromVersionId: true },
    });
    const target = rollbackTarget(history);
    if (target === undefined) throw new RegistryError(`alias "${alias}" has no move to roll back`);
    if (target === null)
      throw new RegistryError(
        `alias "${alias}" pointed at nothing before its first move; nothing to roll back to`,
      );
    return moveAliasIn(tx, {
      alias,
      toVersionId: target,
      kind: 'ROLLBACK',
      actor: input.actor,
      reason: input.reason ?? null,
      expectedFrom: input.expectedFrom,
    });
  });
  return {
    ...move,
    fromVersion: await versionName(deps.prisma, move.fromVersionId),
    toVersion: (await versionName(deps.prisma, move.toVersionId)) ?? move.toVersionId,
    announced: await announced(deps, move),
  };
}
