import { type PrismaClient, type TransactionClient, withTransaction } from '@acsa/db';
import {
  moveAliasIn,
  RegistryError,
  type TActor,
  type TAliasMove,
  type TAliasMoveInput,
} from '@acsa/db/registry';
import type { Redis } from 'ioredis';
import {
  announceStopped,
  runningExperimentName,
  stopForProductionMoveIn,
  type TStoppedByMove,
} from '../ab-lifecycle.ts';
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
  /**
   * The running experiment the person was told this move stops (null: none), checked in the move's
   * transaction: one started since they confirmed would otherwise be stopped without their knowing.
   * Left out (the CLI), whatever runs is stopped and the result names it.
   */
  expectedExperiment?: string | null;
};

export type TMoveResult = TAliasMove & {
  fromVersion: string | null;
  toVersion: string;
  announced: boolean;
  /** Experiments this move of production stopped (see stopForProductionMoveIn); empty for other aliases. */
  stoppedExperiments: string[];
  /** The move in one line, as the CLI prints it and the console announces it (moveHeadline). */
  headline: string;
};

/**
 * "production: a → b; experiment x stopped": the stop is named in the same line as the move, so nobody
 * reads "production moved" and takes it that customers already had the old version (while the experiment
 * ran its variants answered every session). One wording for the CLI and the console's dialog.
 */
export function moveHeadline(m: {
  alias: string;
  fromVersion: string | null;
  toVersion: string;
  stoppedExperiments: string[];
}): string {
  const stopped = m.stoppedExperiments.map((name) => `; experiment ${name} stopped`).join('');
  return `${m.alias}: ${m.fromVersion ?? '(none)'} → ${m.toVersion}${stopped}`;
}

async function announced(deps: TRegistryDeps, move: TAliasMove): Promise<boolean> {
  if (!move.changed || !deps.redis) return false;
  return announceAliasMove(deps.redis, move.alias, move.toVersionId);
}

async function versionName(
  prisma: PrismaClient | TransactionClient,
  id: string | null,
): Promise<string | null> {
  if (!id) return null;
  const row = await prisma.modelVersion.findUnique({ where: { id }, select: { version: true } });
  return row?.version ?? null;
}

/**
 * The move, and when it moved production, the stop of any running experiment, in one transaction: while
 * an experiment runs serving routes every session to its variants, and a production nobody is served by
 * is not what a person promoting or rolling back by hand expects. The alias row is locked first, as
 * concludeExperiment locks it, so the two cannot deadlock.
 */
/** A move made in a transaction, what it stopped, and the name of the version it moved to. */
type TMovedIn = { move: TAliasMove; stopped: TStoppedByMove; toVersion: string };

async function moveAndStopIn(
  tx: TransactionClient,
  input: TAliasMoveInput & { expectedExperiment?: string | null; toVersion: string },
): Promise<TMovedIn> {
  const { expectedExperiment, toVersion, ...moveInput } = input;
  const move = await moveAliasIn(tx, moveInput);
  const none: TStoppedByMove = { names: [], aliases: [] };
  if (input.alias !== PRODUCTION_ALIAS || !move.changed) return { move, stopped: none, toVersion };
  if (expectedExperiment !== undefined) {
    const running = await runningExperimentName(tx);
    if (running !== expectedExperiment)
      throw new RegistryError(
        running
          ? `experiment "${running}" started since you looked, and moving production would stop it; reload and decide again`
          : `experiment "${expectedExperiment}" is no longer running; reload and decide again`,
      );
  }
  const stopped = await stopForProductionMoveIn(tx, {
    actor: input.actor,
    reason: input.reason,
    move: input.kind === 'ROLLBACK' ? 'rollback' : 'promotion',
    toVersion,
  });
  return { move, stopped, toVersion };
}

async function result(deps: TRegistryDeps, done: TMovedIn): Promise<TMoveResult> {
  await announceStopped(deps.redis, done.stopped);
  const fromVersion = await versionName(deps.prisma, done.move.fromVersionId);
  const named = {
    alias: done.move.alias,
    fromVersion,
    toVersion: done.toVersion,
    stoppedExperiments: done.stopped.names,
  };
  return {
    ...done.move,
    ...named,
    announced: await announced(deps, done.move),
    headline: moveHeadline(named),
  };
}

/**
 * Points an alias (production by default) at a version; recorded in the alias history and audit log. A
 * move of production stops a running experiment in the same transaction (moveAndStopIn).
 */
export async function promoteVersion(
  deps: TRegistryDeps,
  input: TMoveOptions & { ref: string },
): Promise<TMoveResult> {
  const target = await resolveVersion(deps.prisma, input.ref);
  const done = await withTransaction(deps.prisma, (tx) =>
    moveAndStopIn(tx, {
      alias: input.alias ?? PRODUCTION_ALIAS,
      toVersionId: target.id,
      toVersion: target.version,
      kind: 'PROMOTE',
      actor: input.actor,
      reason: input.reason ?? null,
      expectedFrom: input.expectedFrom,
      expectedExperiment: input.expectedExperiment,
    }),
  );
  return result(deps, done);
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
 * from the older history, undoing two decisions instead of one. A rollback of production stops a running
 * experiment in the same transaction, as a promotion does.
 */
export async function rollbackAlias(deps: TRegistryDeps, input: TMoveOptions): Promise<TMoveResult> {
  const alias = input.alias ?? PRODUCTION_ALIAS;
  const done = await withTransaction(deps.prisma, async (tx) => {
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
    return moveAndStopIn(tx, {
      alias,
      toVersionId: target,
      toVersion: (await versionName(tx, target)) ?? target,
      kind: 'ROLLBACK',
      actor: input.actor,
      reason: input.reason ?? null,
      expectedFrom: input.expectedFrom,
      expectedExperiment: input.expectedExperiment,
    });
  });
  return result(deps, done);
}
