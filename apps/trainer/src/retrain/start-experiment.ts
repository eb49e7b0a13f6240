import type { TransactionClient } from '@acsa/db';
import { experimentAlias, PRODUCTION_ALIAS, type TPromoteOutput, type TRetrainConfig } from '@acsa/pipelines';

type TMove = (alias: string, to: string, kind: 'EXPERIMENT_START' | 'PROMOTE') => Promise<unknown>;

/**
 * Experiment mode: an A/B test with production as control and the candidate as treatment, weighted by the
 * run's configuration; serving routes sessions by the experiment row, the aliases record each variant.
 * Named after the run, so a rerun finds the experiment it started. With nothing in production there is
 * nothing to test against, and the candidate goes straight to production; while another experiment runs,
 * the candidate stays registered and out of traffic (one experiment at a time keeps results readable).
 */
export async function startExperiment(
  prisma: TransactionClient,
  a: { runId: string; createdById: string | null; versionId: string; config: TRetrainConfig },
  move: TMove,
): Promise<TPromoteOutput> {
  const name = `retrain-${a.runId}`;
  const existing = await prisma.experiment.findUnique({ where: { name } });
  const production = await prisma.modelAlias.findUnique({ where: { name: PRODUCTION_ALIAS } });
  if (!existing && !production) {
    await move(PRODUCTION_ALIAS, a.versionId, 'PROMOTE');
    return {
      mode: 'experiment',
      promoted: true,
      alias: PRODUCTION_ALIAS,
      experimentId: null,
      message: 'no production model to experiment against: promoted to production',
    };
  }
  const running = await prisma.experiment.findFirst({ where: { status: 'RUNNING', name: { not: name } } });
  if (!existing && running)
    return {
      mode: 'experiment',
      promoted: false,
      alias: null,
      experimentId: null,
      message: `experiment ${running.name} is still running; the candidate is registered but not in an experiment`,
    };
  const w = a.config.experimentWeight;
  const experiment =
    existing ??
    (await prisma.experiment.create({
      data: {
        name,
        description: `Retrained candidate against production (run ${a.runId})`,
        status: 'RUNNING',
        startedAt: new Date(),
        createdById: a.createdById,
        variants: {
          create: [
            { name: 'control', modelVersionId: production!.modelVersionId, weight: 1 - w },
            { name: 'treatment', modelVersionId: a.versionId, weight: w },
          ],
        },
      },
      include: { variants: true },
    }));
  const variants = await prisma.experimentVariant.findMany({ where: { experimentId: experiment.id } });
  for (const v of variants) await move(experimentAlias(name, v.name), v.modelVersionId, 'EXPERIMENT_START');
  return {
    mode: 'experiment',
    promoted: true,
    alias: experimentAlias(name, 'treatment'),
    experimentId: experiment.id,
    message: `experiment ${name} running: treatment ${Math.round(w * 100)} % of sessions`,
  };
}
