import { AppError } from '@acsa/core/errors';
import {
  actorUserId,
  type Experiment,
  type PrismaClient,
  type TransactionClient,
  withTransaction,
  writeAudit,
} from '@acsa/db';
import { moveAliasIn, type TActor, type TAliasMove } from '@acsa/db/registry';
import type { Redis } from 'ioredis';
import { controlOf } from './ab-results.ts';
import { announceAliasMove } from './alias-announce.ts';
import { experimentAlias, PRODUCTION_ALIAS } from './registry/aliases.ts';

type TLifecycle = {
  experimentId: string;
  actor: TActor;
  reason?: string | null;
  /** Where alias moves are announced, so serving replicas re-route at once instead of at their next poll. */
  redis?: Redis | null;
  /** Kept in the audit entry beside the reason, e.g. the figures an automatic decision was made on. */
  details?: Record<string, unknown>;
};

type TExperimentWithVariants = Experiment & { variants: { name: string }[] };

async function load(prisma: PrismaClient, id: string) {
  const exp = await prisma.experiment.findUnique({
    where: { id },
    include: { variants: { include: { modelVersion: { select: { version: true } } } } },
  });
  if (!exp) throw new AppError('NOT_FOUND', `no experiment ${id}`, { field: 'experimentId' });
  return exp;
}

/**
 * Ends the split in `tx`: RUNNING → `status`, the variants' aliases removed with each removal in the alias
 * history, and an audit entry. Conditional on the status, so of two concurrent calls one records.
 * Returns the aliases to announce, or null when it had already ended.
 */
async function endSplitIn(
  tx: TransactionClient,
  exp: TExperimentWithVariants,
  o: TLifecycle,
  action: string,
  data: Record<string, unknown>,
  update: { status: 'STOPPED' | 'CONCLUDED'; winnerVariantId?: string },
): Promise<string[] | null> {
  const { count } = await tx.experiment.updateMany({
    where: {
      id: exp.id,
      status: { in: update.status === 'STOPPED' ? ['RUNNING'] : ['RUNNING', 'STOPPED'] },
    },
    data: { ...update, stoppedAt: exp.stoppedAt ?? new Date() },
  });
  if (!count) return null;
  const removed: string[] = [];
  for (const v of exp.variants) {
    const alias = experimentAlias(exp.name, v.name);
    const row = await tx.modelAlias.findUnique({ where: { name: alias } });
    if (!row) continue;
    await tx.modelAlias.delete({ where: { name: alias } });
    await tx.aliasHistory.create({
      data: {
        alias,
        kind: 'EXPERIMENT_STOP',
        fromVersionId: row.modelVersionId,
        toVersionId: null,
        actorId: actorUserId(o.actor),
        actor: o.actor.display,
        reason: o.reason ?? null,
      },
    });
    removed.push(alias);
  }
  await writeAudit(tx, {
    actor: o.actor,
    action,
    targetType: 'Experiment',
    targetId: exp.id,
    data: { name: exp.name, reason: o.reason ?? null, ...o.details, ...data },
  });
  // Serving routes by the experiment row, not the aliases: replicas must hear of the end either way.
  if (removed.length || exp.status !== 'RUNNING') return removed;
  return [`experiment:${exp.name}`];
}

async function announceAll(redis: Redis | null | undefined, aliases: string[] | null) {
  if (redis && aliases) for (const alias of aliases) await announceAliasMove(redis, alias, null);
}

/**
 * Stops a running experiment: serving sends all traffic back to production. Stopping one already stopped
 * or concluded changes nothing; one that never ran cannot be stopped.
 */
export async function stopExperiment(
  prisma: PrismaClient,
  o: TLifecycle,
): Promise<{ experiment: Experiment; changed: boolean }> {
  const exp = await load(prisma, o.experimentId);
  if (exp.status === 'DRAFT')
    throw new AppError('CONFLICT', `experiment "${exp.name}" has not started; there is nothing to stop`);
  if (exp.status !== 'RUNNING') return { experiment: exp, changed: false };
  const ended = await withTransaction(prisma, (tx) =>
    endSplitIn(tx, exp, o, 'experiment.stop', {}, { status: 'STOPPED' }),
  );
  await announceAll(o.redis, ended);
  const experiment = await prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
  return { experiment, changed: ended !== null };
}

/** The running experiment a move of production would stop, by name; null when none runs. */
export async function runningExperimentName(db: PrismaClient | TransactionClient): Promise<string | null> {
  const running = await db.experiment.findFirst({
    where: { status: 'RUNNING' },
    orderBy: { startedAt: { sort: 'desc', nulls: 'last' } },
    select: { name: true },
  });
  return running?.name ?? null;
}

export type TStoppedByMove = { names: string[]; aliases: string[] };

/**
 * Stops, in the caller's transaction, every running experiment because a person moved production by hand.
 * While one runs, serving sends every session to its variants and production answers no one, so an
 * emergency rollback that left it running changed nothing a customer sees. Each stop is recorded as any
 * other (`experiment.stop`, the variants' alias removals), with the move named in its reason. The caller
 * announces `aliases` after commit (announceStopped).
 */
export async function stopForProductionMoveIn(
  tx: TransactionClient,
  o: Omit<TLifecycle, 'experimentId' | 'redis'> & { move: 'promotion' | 'rollback'; toVersion: string },
): Promise<TStoppedByMove> {
  const running = await tx.experiment.findMany({
    where: { status: 'RUNNING' },
    include: { variants: { select: { name: true } } },
    // The headline names them in the order they started, the same on every read.
    orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
  });
  const stopped: TStoppedByMove = { names: [], aliases: [] };
  const reason = `production moved by hand (${o.move} to ${o.toVersion})${o.reason ? `: ${o.reason}` : ''}`;
  for (const exp of running) {
    const ended = await endSplitIn(
      tx,
      exp,
      { ...o, experimentId: exp.id, reason },
      'experiment.stop',
      { stoppedBy: `production.${o.move}` },
      { status: 'STOPPED' },
    );
    if (!ended) continue;
    stopped.names.push(exp.name);
    stopped.aliases.push(...ended);
  }
  return stopped;
}

/** Tells serving replicas, after commit, that the experiments stopForProductionMoveIn stopped are over. */
export function announceStopped(redis: Redis | null | undefined, stopped: TStoppedByMove): Promise<void> {
  return announceAll(redis, stopped.aliases);
}

/** Where production points, with its row locked until the transaction ends; null: at nothing. */
async function lockedProduction(tx: TransactionClient) {
  const rows = await tx.$queryRaw<{ modelVersionId: string; version: string }[]>`
    SELECT a."modelVersionId", v.version FROM "ModelAlias" a
    JOIN "ModelVersion" v ON v.id = a."modelVersionId"
    WHERE a.name = ${PRODUCTION_ALIAS} FOR UPDATE OF a`;
  return rows[0] ?? null;
}

export type TConclusion = {
  experiment: Experiment;
  winner: { id: string; name: string; modelVersionId: string };
  /** Production's move; when the winner was not promoted, none (`changed` false, from = to: where it stays). */
  move: TAliasMove;
  /** Whether production serves the winner now: false when production had moved since the experiment started. */
  promoted: boolean;
  /** What became of production, in words. */
  message: string;
};

/**
 * Concludes an experiment with a winner (variant name or id), in one transaction: ends the split if it still
 * runs, records the winner, and points `production` at the winner's model version (a recorded alias move;
 * a no-op when production already serves it). Safe to repeat with the same winner; another winner
 * afterwards is refused.
 *
 * The winner was compared with the control, so production moves only from the control's version, checked
 * with its row locked. Had someone moved it since the experiment started (a direct retrain, a person), the
 * winner would replace a version it was never compared with, undoing that decision: production stays, a
 * running experiment ends STOPPED with no winner (what the console and `acsa experiments` show for "all
 * traffic to production"; an ended one keeps its status), and the conclusion's audit entry and `message`
 * say why, as the trainer's direct mode does.
 */
export async function concludeExperiment(
  prisma: PrismaClient,
  o: TLifecycle & { winner: string },
): Promise<TConclusion> {
  const exp = await load(prisma, o.experimentId);
  const winner = exp.variants.find((v) => v.id === o.winner || v.name === o.winner);
  if (!winner)
    throw new AppError(
      'BAD_REQUEST',
      `experiment "${exp.name}" has no variant "${o.winner}" (it has ${exp.variants.map((v) => v.name).join(', ')})`,
      { field: 'winner' },
    );
  if (exp.status === 'DRAFT') throw new AppError('CONFLICT', `experiment "${exp.name}" never ran`);
  if (exp.status === 'CONCLUDED' && exp.winnerVariantId !== winner.id)
    throw new AppError('CONFLICT', `experiment "${exp.name}" is already concluded with another winner`);
  const control = controlOf(exp.variants)?.modelVersion.version;
  const wins = `${winner.name} (${winner.modelVersion.version})`;
  const done = await withTransaction(prisma, async (tx) => {
    const production = await lockedProduction(tx);
    if (!production)
      throw new AppError('CONFLICT', 'production points at nothing: promote a version first, then conclude');
    if (production.version !== control && production.modelVersionId !== winner.modelVersionId) {
      const message = `production had moved to ${production.version} since experiment "${exp.name}" started on ${control}, so the winner ${wins} was not promoted; promote it by hand (Models, or acsa models promote) if it should still go`;
      const ended = await endSplitIn(
        tx,
        exp,
        o,
        'experiment.conclude',
        { winner: winner.name, promoted: false, production: production.version, control, outcome: message },
        { status: 'STOPPED' },
      );
      const at = production.modelVersionId;
      const move = { alias: PRODUCTION_ALIAS, fromVersionId: at, toVersionId: at, changed: false };
      return { ended, move, promoted: false, message };
    }
    const ended = await endSplitIn(
      tx,
      exp,
      o,
      'experiment.conclude',
      { winner: winner.name, promoted: true },
      { status: 'CONCLUDED', winnerVariantId: winner.id },
    );
    if (!ended) {
      // Concluded already: by this same call repeated, or meanwhile by another with another winner.
      const now = await tx.experiment.findUniqueOrThrow({ where: { id: exp.id } });
      if (now.winnerVariantId !== winner.id)
        throw new AppError('CONFLICT', `experiment "${exp.name}" is already concluded with another winner`);
    }
    const move = await moveAliasIn(tx, {
      alias: PRODUCTION_ALIAS,
      toVersionId: winner.modelVersionId,
      kind: 'PROMOTE',
      actor: o.actor,
      reason: [`experiment "${exp.name}" won by "${winner.name}"`, o.reason].filter(Boolean).join(': '),
      // The control's version, or the winner's when production already serves it: as seen just above.
      expectedFrom: production.version,
    });
    const message = move.changed ? `production now serves ${wins}` : `production already served ${wins}`;
    return { ended, move, promoted: true, message };
  });
  await announceAll(o.redis, done.ended);
  if (o.redis && done.move.changed) await announceAliasMove(o.redis, PRODUCTION_ALIAS, winner.modelVersionId);
  return {
    experiment: await prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } }),
    winner: { id: winner.id, name: winner.name, modelVersionId: winner.modelVersionId },
    move: done.move,
    promoted: done.promoted,
    message: done.message,
  };
}
