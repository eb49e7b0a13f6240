import type { PrismaClient } from '@acsa/db';

/**
 * Labels given since the last retraining run that could have used them (queued, running, succeeded or
 * refused by the gate; a failed or cancelled run trained nothing, so its labels still count as new): the
 * console's banner and the trainer's label trigger both count by it.
 */
export async function newLabelsSinceRetrain(
  prisma: PrismaClient,
): Promise<{ count: number; since: Date | null }> {
  const last = await prisma.trainingRun.findFirst({
    where: { status: { in: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'REJECTED'] } },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  const since = last?.createdAt ?? null;
  const count = await prisma.label.count({ where: since ? { createdAt: { gt: since } } : {} });
  return { count, since };
}
