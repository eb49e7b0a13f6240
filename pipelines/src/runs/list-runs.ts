import type { PrismaClient } from '@acsa/db';
import { ZRetrainConfig } from '../retrain/config.ts';

export type TRunListItem = Awaited<ReturnType<typeof listRuns>>[number];

// Async: a client that throws as it is touched (the console's role test) rejects into the Promise.all below
// instead of throwing before it, which left listRuns' rejection unhandled.
const countRuns = async (prisma: PrismaClient) => prisma.trainingRun.count();

export type TRunList = { items: TRunListItem[]; total: number };

/**
 * The runs list as the console and `acsa runs list` show it: the latest runs and how many there are in all,
 * so a list cut at its limit says so (a count of this small table costs next to nothing).
 */
export async function listRunsWithTotal(
  prisma: PrismaClient,
  opts: { limit?: number } = {},
): Promise<TRunList> {
  const [items, total] = await Promise.all([listRuns(prisma, opts), countRuns(prisma)]);
  return { items, total };
}

/**
 * Retraining runs, newest first: what started them, how far they got, what the gate said, what they made.
 * The console takes the default 50; `limit` is what `acsa runs list --limit N` asks for, uncapped, because
 * the page sends engineers there for every run: a cap would make its "--limit N lists every one" untrue.
 */
export async function listRuns(prisma: PrismaClient, opts: { limit?: number } = {}) {
  const runs = await prisma.trainingRun.findMany({
    orderBy: { createdAt: 'desc' },
    take: opts.limit ?? 50,
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
