import { AppError } from '@acsa/core/errors';
import { type Experiment, type PrismaClient, withTransaction } from '@acsa/db';
import { moveAlias, type TActor, type TAliasMove } from '@acsa/db/registry';
import { announceAliasMove } from '@acsa/pipelines';
import type { Redis } from 'ioredis';

export const PRODUCTION_ALIAS = 'production';

type TLifecycle = {
  experimentId: string;
  actor: TActor;
  reason?: string | null;
  /** Where alias moves are announced, so serving replicas re-route at once instead of at their next poll. */
  redis?: Redis | null;
};

const audit = (actor: TActor, action: string, exp: Experiment, data: Record<string, unknown>) => ({
  actorType: actor.type,
  actorId: actor.type === 'USER' ? (actor.id ?? null) : null,
  actor: actor.display,
  action,
  targetType: 'Experiment',
  targetId: exp.id,
  data: { name: exp.name, ...data },
});

async function load(prisma: PrismaClient, id: string) {
  const exp = await prisma.experiment.findUnique({ where: { id }, include: { variants: true } });
  if (!exp) throw new AppError('NOT_FOUND', `no experiment ${id}`, { field: 'experimentId' });
  return exp;
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
  const changed = await withTransaction(prisma, async (tx) => {
    // Conditional, so two concurrent stops record one.
    const { count } = await tx.experiment.updateMany({
      where: { id: exp.id, status: 'RUNNING' },
      data: { status: 'STOPPED', stoppedAt: new Date() },
    });
    if (count)
      await tx.auditLog.create({ data: audit(o.actor, 'experiment.stop', exp, { reason: o.reason }) });
    return count > 0;
  });
  if (changed && o.redis) await announceAliasMove(o.redis, `experiment:${exp.name}`, null);
  return { experiment: await prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } }), changed };
}

/**
 * Concludes an experiment with a winner (variant name or id): stops it if it still runs, records the
 * winner, and points `production` at the winner's model version (a recorded alias move; a no-op when
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
  await withTransaction(prisma, async (tx) => {
    const { count } = await tx.experiment.updateMany({
      where: { id: exp.id, status: { in: ['RUNNING', 'STOPPED'] } },
      data: { status: 'CONCLUDED', winnerVariantId: winner.id, stoppedAt: exp.stoppedAt ?? new Date() },
    });
    if (count)
      await tx.auditLog.create({
        data: audit(o.actor, 'experiment.conclude', exp, { winner: winner.name, reason: o.reason }),
      });
  });
  const move = await moveAlias(prisma, {
    alias: PRODUCTION_ALIAS,
    toVersionId: winner.modelVersionId,
    kind: 'PROMOTE',
    actor: o.actor,
    reason: [`experiment "${exp.name}" won by "${winner.name}"`, o.reason].filter(Boolean).join(': '),
  });
  // Announced even when the alias did not move: the experiment's split ended, and replicas must drop it.
  if (o.redis) await announceAliasMove(o.redis, PRODUCTION_ALIAS, winner.modelVersionId);
  return {
    experiment: await prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } }),
    winner: { id: winner.id, name: winner.name, modelVersionId: winner.modelVersionId },
    move,
  };
}
