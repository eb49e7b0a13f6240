import { AppError } from '@acsa/core/errors';
import { type PrismaClient, withTransaction } from '@acsa/db';
import { moveAliasIn, type TAliasMove } from '@acsa/db/registry';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ACCURACY_UNDECIDABLE } from './ab-decide.ts';
import type { TActor } from './access/roles.ts';
import { announceAliasMove } from './alias-announce.ts';
import { auditActorOf } from './audit/audit-actor.ts';
import { auditIn } from './audit/audited.ts';
import { experimentAlias, PRODUCTION_ALIAS } from './registry/aliases.ts';

/** The metrics an experiment may be decided on, as stored in `Experiment.primaryMetric`. */
export const PRIMARY_METRICS = ['escalation_rate', 'positive_feedback_rate', 'accuracy'] as const;

export const ZCreateExperiment = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes'),
    /** The challenger by its version name: any registered version, not only the latest the form suggests. */
    challenger: z.string().trim().min(1, 'name a registered model version').max(200),
    /** The challenger's share of sessions; production keeps the rest as control. */
    treatmentWeight: z.number().min(0.01).max(0.99),
    primaryMetric: z.enum(PRIMARY_METRICS),
    autoPromote: z.boolean(),
  })
  .refine((e) => !(e.autoPromote && e.primaryMetric === 'accuracy'), {
    path: ['autoPromote'],
    message: `not with accuracy as primary metric: ${ACCURACY_UNDECIDABLE}`,
  });
export type TCreateExperiment = z.infer<typeof ZCreateExperiment>;

/**
 * What the console's form offers: production (the control) and the latest registered versions that may
 * challenge it, as suggestions: the form takes any version by its name.
 */
export async function experimentChoices(prisma: PrismaClient) {
  const [production, versions, running] = await Promise.all([
    prisma.modelAlias.findUnique({ where: { name: PRODUCTION_ALIAS }, include: { modelVersion: true } }),
    prisma.modelVersion.findMany({
      orderBy: { createdAt: 'desc' },
      take: 50,
      select: { id: true, version: true, createdAt: true },
    }),
    prisma.experiment.findFirst({ where: { status: 'RUNNING' }, select: { name: true } }),
  ]);
  return {
    production: production
      ? { id: production.modelVersionId, version: production.modelVersion.version }
      : null,
    challengers: versions.filter((v) => v.id !== production?.modelVersionId),
    running: running?.name ?? null,
  };
}

/**
 * Starts an A/B test of a registered version against production, as the engineer: the experiment row
 * (which serving routes sessions by), one alias per variant with each move in the alias history, and an
 * audit entry, in one transaction; then the aliases are announced so replicas re-route at once. One
 * experiment at a time, as the trainer's experiment mode: two splits of the same traffic would blur both.
 */
export async function createExperimentFromConsole(
  deps: { prisma: PrismaClient; redis?: Redis | null },
  actor: TActor,
  raw: TCreateExperiment,
) {
  const input = ZCreateExperiment.parse(raw);
  const moves: TAliasMove[] = [];
  const experiment = await withTransaction(deps.prisma, async (tx) => {
    const production = await tx.modelAlias.findUnique({ where: { name: PRODUCTION_ALIAS } });
    if (!production)
      throw new AppError('BAD_REQUEST', 'nothing in production to test against: promote a version first', {
        field: 'challenger',
      });
    const challenger = await tx.modelVersion.findUnique({
      where: { version: input.challenger },
      select: { id: true },
    });
    if (!challenger)
      throw new AppError('NOT_FOUND', `no model version "${input.challenger}"`, { field: 'challenger' });
    if (production.modelVersionId === challenger.id)
      throw new AppError('BAD_REQUEST', 'the challenger is already production', { field: 'challenger' });
    const running = await tx.experiment.findFirst({ where: { status: 'RUNNING' } });
    if (running) throw new AppError('CONFLICT', `experiment ${running.name} is still running: stop it first`);
    if (await tx.experiment.findUnique({ where: { name: input.name } }))
      throw new AppError('CONFLICT', `an experiment is already named ${input.name}`, { field: 'name' });
    const exp = await tx.experiment.create({
      data: {
        name: input.name,
        description: 'Started from the console',
        status: 'RUNNING',
        primaryMetric: input.primaryMetric,
        autoPromote: input.autoPromote,
        startedAt: new Date(),
        createdById: actor.id,
        variants: {
          create: [
            { name: 'control', modelVersionId: production.modelVersionId, weight: 1 - input.treatmentWeight },
            { name: 'treatment', modelVersionId: challenger.id, weight: input.treatmentWeight },
          ],
        },
      },
      include: { variants: true },
    });
    for (const v of exp.variants)
      moves.push(
        await moveAliasIn(tx, {
          alias: experimentAlias(exp.name, v.name),
          toVersionId: v.modelVersionId,
          kind: 'EXPERIMENT_START',
          actor: auditActorOf(actor),
          reason: 'experiment started from the console',
        }),
      );
    await auditIn(tx, actor, {
      action: 'experiment.create',
      targetType: 'Experiment',
      targetId: exp.id,
      before: null,
      // The id beside the name: what the variant rows hold.
      after: { ...input, challengerVersionId: challenger.id },
    });
    return exp;
  });
  if (deps.redis) for (const m of moves) await announceAliasMove(deps.redis, m.alias, m.toVersionId);
  return experiment;
}
