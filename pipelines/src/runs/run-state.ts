import type { PrismaClient, RunStatus } from '@acsa/db';
import { ZRetrainConfig } from '../retrain/config.ts';
import { ZGateDecision } from '../retrain/outputs.ts';

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING'];
export const isActiveRun = (status: RunStatus) => ACTIVE_RUN_STATUSES.includes(status);

export type TRunState = NonNullable<Awaited<ReturnType<typeof runState>>>;
export type TRunLog = TRunState['logs'][number];

/**
 * One run as the console shows it: status, progress, every step, the gate's decision, the version it made,
 * and its log lines after `afterLogId` (all of them by default; at most `logLimit`, oldest first).
 */
export async function runState(
  prisma: PrismaClient,
  id: string,
  opts: { afterLogId?: number; logLimit?: number } = {},
) {
  const run = await prisma.trainingRun.findUnique({
    where: { id },
    select: {
      id: true,
      status: true,
      trigger: true,
      mode: true,
      progress: true,
      config: true,
      gate: true,
      error: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      requestedBy: { select: { email: true } },
      datasetVersion: { select: { version: true, exampleCount: true, dataset: { select: { name: true } } } },
      candidates: { select: { version: true }, take: 1 },
      steps: {
        orderBy: { position: 'asc' },
        select: {
          name: true,
          status: true,
          progress: true,
          attempts: true,
          error: true,
          startedAt: true,
          finishedAt: true,
        },
      },
    },
  });
  if (!run) return null;
  const logs = await prisma.trainingLog.findMany({
    where: { runId: id, id: { gt: BigInt(opts.afterLogId ?? 0) } },
    orderBy: { id: 'asc' },
    take: opts.logLimit ?? 1000,
    select: { id: true, step: true, level: true, message: true, at: true },
  });
  const config = ZRetrainConfig.safeParse(run.config);
  const gate = ZGateDecision.safeParse(run.gate);
  return {
    run: {
      id: run.id,
      status: run.status,
      trigger: run.trigger,
      mode: run.mode,
      preset: config.success ? config.data.preset : null,
      progress: run.progress,
      error: run.error,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      requestedBy: run.requestedBy?.email ?? null,
      dataset: run.datasetVersion
        ? `${run.datasetVersion.dataset.name} v${run.datasetVersion.version} (${run.datasetVersion.exampleCount} examples)`
        : null,
      candidate: run.candidates[0]?.version ?? null,
      gate: gate.success
        ? {
            passed: gate.data.passed,
            reasons: gate.data.reasons,
            candidate: gate.data.candidate,
            production: gate.data.production,
          }
        : null,
    },
    steps: run.steps,
    logs: logs.map((l) => ({ ...l, id: Number(l.id) })),
  };
}
