import type { PrismaClient } from '@acsa/db';
import { ZRetrainConfig } from '../retrain/config.ts';

export type TRunListItem = Awaited<ReturnType<typeof listRuns>>[number];

/** Retraining runs, newest first: what started them, how far they got, what the gate said, what they made. */
export async function listRuns(prisma: PrismaClient, opts: { limit?: number } = {}) {
  const runs = await prisma.trainingRun.findMany({
    orderBy: { createdAt: 'desc' },
    take: Math.min(opts.limit ?? 50, 200),
    select: {
      id: true,
      status: true,
      trigger: true,
      mode: true,
      progress: true,
      config: true,
      gatePassed: true,
      error: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      requestedBy: { select: { email: true } },
      candidates: { select: { version: true }, take: 1 },
      steps: { where: { status: 'RUNNING' }, select: { name: true }, take: 1 },
    },
  });
  return runs.map((r) => {
    const config = ZRetrainConfig.safeParse(r.config);
    return {
      id: r.id,
      status: r.status,
      trigger: r.trigger,
      mode: r.mode,
      preset: config.success ? config.data.preset : null,
      progress: r.progress,
      step: r.steps[0]?.name ?? null,
      gatePassed: r.gatePassed,
      error: r.error,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      requestedBy: r.requestedBy?.email ?? null,
      candidate: r.candidates[0]?.version ?? null,
    };
  });
}
