import type { PrismaClient } from '@acsa/db';
import { ZGateDecision } from '../retrain/outputs.ts';

export type TRunView = {
  id: string;
  status: string;
  progress: number;
  /** The step running now, if any. */
  step: string | null;
  error: string | null;
  /** The snapshot the run trained on, and how many of its examples came from reviewers' labels. */
  snapshot: { dataset: string; version: number; examples: number; fromLabels: number } | null;
  gate: {
    passed: boolean;
    reasons: string[];
    candidateAccuracy: number;
    productionAccuracy: number | null;
    /** The checks that failed, with their figures, so the console can word them itself. */
    failed: { check: string; value: number | null; limit: number | null; message: string }[];
  } | null;
};

/** One retraining run as the console follows it: where it is, what it trained on, what the gate decided. */
export async function retrainRunView(prisma: PrismaClient, id: string): Promise<TRunView | null> {
  const run = await prisma.trainingRun.findUnique({
    where: { id },
    select: {
      id: true,
      status: true,
      progress: true,
      error: true,
      gate: true,
      steps: { where: { status: 'RUNNING' }, select: { name: true }, take: 1 },
      datasetVersion: {
        select: { id: true, version: true, exampleCount: true, dataset: { select: { name: true } } },
      },
    },
  });
  if (!run) return null;
  const gate = ZGateDecision.safeParse(run.gate);
  const fromLabels = run.datasetVersion
    ? await prisma.example.count({ where: { datasetVersionId: run.datasetVersion.id, source: 'LABEL' } })
    : 0;
  return {
    id: run.id,
    status: run.status,
    progress: run.progress,
    step: run.steps[0]?.name ?? null,
    error: run.error,
    snapshot: run.datasetVersion
      ? {
          dataset: run.datasetVersion.dataset.name,
          version: run.datasetVersion.version,
          examples: run.datasetVersion.exampleCount,
          fromLabels,
        }
      : null,
    gate: gate.success
      ? {
          passed: gate.data.passed,
          reasons: gate.data.reasons,
          candidateAccuracy: gate.data.candidate.accuracy,
          productionAccuracy: gate.data.production?.accuracy ?? null,
          failed: gate.data.checks
            .filter((c) => !c.passed)
            .map(({ check, value, limit, message }) => ({ check, value, limit, message })),
        }
      : null,
  };
}
