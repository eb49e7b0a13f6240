import { AppError } from '@acsa/core/errors';
import { isUuid } from '@acsa/core/ids';
import type { ExperimentStatus, PrismaClient } from '@acsa/db';

export type TExperimentListItem = {
  id: string;
  name: string;
  status: ExperimentStatus;
  primaryMetric: string;
  startedAt: Date | null;
  stoppedAt: Date | null;
  winner: string | null;
  variants: { name: string; version: string; weight: number }[];
};

/** Experiments, running ones first, then newest. */
export async function listExperiments(
  prisma: PrismaClient,
  opts: { limit?: number } = {},
): Promise<TExperimentListItem[]> {
  const rows = await prisma.experiment.findMany({
    orderBy: [{ createdAt: 'desc' }],
    take: opts.limit ?? 50,
    include: {
      variants: { orderBy: { name: 'asc' }, include: { modelVersion: { select: { version: true } } } },
    },
  });
  return rows
    .map((e) => ({
      id: e.id,
      name: e.name,
      status: e.status,
      primaryMetric: e.primaryMetric,
      startedAt: e.startedAt,
      stoppedAt: e.stoppedAt,
      winner: e.variants.find((v) => v.id === e.winnerVariantId)?.name ?? null,
      variants: e.variants.map((v) => ({ name: v.name, version: v.modelVersion.version, weight: v.weight })),
    }))
    .sort((a, b) => Number(b.status === 'RUNNING') - Number(a.status === 'RUNNING'));
}

/** How many experiments there are in all, however many a list shows (a small table). */
export async function countExperiments(prisma: PrismaClient): Promise<number> {
  return prisma.experiment.count();
}

/** An experiment's id from its name or id; NOT_FOUND names what was asked for. */
export async function resolveExperiment(prisma: PrismaClient, ref: string): Promise<string> {
  const row = await prisma.experiment.findFirst({
    where: isUuid(ref) ? { OR: [{ id: ref }, { name: ref }] } : { name: ref },
    select: { id: true },
  });
  if (!row) throw new AppError('NOT_FOUND', `no experiment "${ref}"`, { field: 'experiment' });
  return row.id;
}
