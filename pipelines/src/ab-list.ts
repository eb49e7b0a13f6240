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

const WITH_VARIANTS = {
  variants: { orderBy: { name: 'asc' }, include: { modelVersion: { select: { version: true } } } },
} as const;

/**
 * Every running experiment first, then the newest others up to `limit` in all. Running ones are read apart
 * (one at a time, as createExperiment keeps it) so a cut to the newest never drops one started long ago:
 * it is the one an engineer comes to stop or conclude.
 */
export async function listExperiments(
  prisma: PrismaClient,
  opts: { limit?: number } = {},
): Promise<TExperimentListItem[]> {
  const limit = opts.limit ?? 50;
  const running = await prisma.experiment.findMany({
    where: { status: 'RUNNING' },
    orderBy: [{ createdAt: 'desc' }],
    include: WITH_VARIANTS,
  });
  const others = await prisma.experiment.findMany({
    // Not by status alone: one stopped between the two reads would be listed twice.
    where: { status: { not: 'RUNNING' }, id: { notIn: running.map((e) => e.id) } },
    orderBy: [{ createdAt: 'desc' }],
    take: Math.max(0, limit - running.length),
    include: WITH_VARIANTS,
  });
  return [...running, ...others].map((e) => ({
    id: e.id,
    name: e.name,
    status: e.status,
    primaryMetric: e.primaryMetric,
    startedAt: e.startedAt,
    stoppedAt: e.stoppedAt,
    winner: e.variants.find((v) => v.id === e.winnerVariantId)?.name ?? null,
    variants: e.variants.map((v) => ({ name: v.name, version: v.modelVersion.version, weight: v.weight })),
  }));
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
