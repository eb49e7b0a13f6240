import { AppError } from '@acsa/core/errors';
import { actorUserId, type Experiment, type PrismaClient, withTransaction, writeAudit } from '@acsa/db';
import { moveAlias, type TActor, type TAliasMove } from '@acsa/db/registry';
import type { Redis } from 'ioredis';
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
  const exp = await prisma.experiment.findUnique({ where: { id }, include: { variants: true } });
  if (!exp) throw new AppError('NOT_FOUND', `no experiment ${id}`, { field: 'experimentId' });
  return exp;
}

/**
 * Ends the split in one transaction: RUNNING → `status`, the variants' aliases removed with each removal in
 * the alias history, and an audit entry. Conditional on the status, so of two concurrent calls one records.
 * Returns the aliases to announce, or null when it had already ended.
 */
async function endSplit(
  prisma: PrismaClient,
  exp: TExperimentWithVariants,
  o: TLifecycle,
  action: string,
  data: Record<string, unknown>,
  update: { status: 'STOPPED' | 'CONCLUDED'; winnerVariantId?: string },
): Promise<string[] | null> {
  return withTransaction(prisma, async (tx) => {
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
  });
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
  const ended = await endSplit(prisma, exp, o, 'experiment.stop', {}, { status: 'STOPPED' });
  await announceAll(o.redis, ended);
  const experiment = await prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
  return { experiment, changed: ended !== null };
}

/**
 * Concludes an experiment with a winner (variant name or id): ends the split if it still runs, records
 * the winner, and points `production` at the winner's model version (a recorded alias move; a no-op when
 * production already serves it). Safe to repeat with the same winner, so a crash between the two steps
 * is mended by calling it again; another winner afterwards is refused.
 */
export async function concludeExperiment(
  prisma: PrismaClient,
  o: TLifecycle & { winner: string },
): Promise<{
  experiment: Experiment;
  winner: { id: string; name: string; modelVersionId: string };
  move: TAliasMove;
}> {
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
  const ended = await endSplit(
    prisma,
    exp,
    o,
    'experiment.conclude',
    { winner: winner.name },
    { status: 'CONCLUDED', winnerVariantId: winner.id },
  );
  const move = await moveAlias(prisma, {
    alias: PRODUCTION_ALIAS,
    toVersionId: winner.modelVersionId,
    kind: 'PROMOTE',
    actor: o.actor,
    reason: [`experiment "${exp.name}" won by "${winner.name}"`, o.reason].filter(Boolean).join(': '),
  });
  await announceAll(o.redis, ended);
  if (o.redis && move.changed) await announceAliasMove(o.redis, PRODUCTION_ALIAS, winner.modelVersionId);
  return {
    experiment: await prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } }),
    winner: { id: winner.id, name: winner.name, modelVersionId: winner.modelVersionId },
    move,
  };
}
