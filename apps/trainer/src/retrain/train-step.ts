import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type TFactoryProgress, trainFactory } from '@acsa/ml/train';
import type { TFlowContext, TTrainOutput } from '@acsa/pipelines';
import { need } from './flow-context.ts';
import type { TReporter } from './step-reporter.ts';

/** Where each stage of the factory sits on the step's 0–100: measured shares of a bootstrap run's time. */
export function factoryPercent(p: TFactoryProgress): number {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const teacher = /^teacher (\d+)\/(\d+)$/.exec(p.stage);
  if (teacher) {
    const [m, n] = [Number(teacher[1]), Number(teacher[2])];
    return ((m - 1 + frac) / n) * 55;
  }
  if (p.stage === 'student') return 55 + frac * 35;
  const exportOf: Record<string, number> = {
    'export teacher': 90,
    'export student': 94,
    'export student-int8': 97,
  };
  const start = exportOf[p.stage];
  return start === undefined ? 0 : start + frac * (start === 97 ? 3 : 4);
}

/**
 * Teacher, distilled student and int8 student in one factory run (CPU-bound: runs in a sandboxed
 * process). A rerun starts over in an emptied directory, so a crash half-way leaves nothing stale behind.
 */
export async function trainStep(runId: string, ctx: TFlowContext, report: TReporter): Promise<TTrainOutput> {
  const snap = need(ctx, 'snapshot');
  const out = path.join(snap.dir, 'bundles');
  await rm(out, { recursive: true, force: true });
  let last = -1;
  const result = await trainFactory({
    files: [snap.dataFile],
    out,
    seed: snap.training.seed,
    teacher: snap.training.teacher,
    student: snap.training.student,
    pipelineRunId: runId,
    onProgress: (p) => {
      const pct = factoryPercent(p);
      if (pct < last) return;
      last = pct;
      report.progress(pct, p.detail ? `${p.stage}: ${p.detail}` : p.stage);
    },
    log: (line) => report.log(line),
  });
  const int8 = result.bundles.find((b) => b.variant === 'student-int8');
  if (!int8) throw new Error('the factory produced no student-int8 bundle');
  // The sandboxed process's peak since it started: this training's, or an earlier step's if it was larger.
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  report.log(`trained in ${result.seconds.total.toFixed(1)} s on ${result.backend}; peak RSS ${maxRssMb} MB`);
  return {
    bundleDir: int8.dir,
    sha256: int8.manifest.model.sha256,
    sizeBytes: int8.manifest.model.sizeBytes,
    devAccuracy: int8.manifest.metrics.dev.accuracy,
    devMacroF1: int8.manifest.metrics.dev.macroF1,
    trainRows: result.trainRows,
    backend: result.backend,
    seconds: result.seconds.total,
    maxRssMb,
  };
}
