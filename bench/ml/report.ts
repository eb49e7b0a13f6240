import type { TEvalReport } from '../../packages/ml/src/eval/evaluate.ts';

export type TBenchRow = {
  dataset: string;
  split: string;
  variant: string;
  report: TEvalReport;
  trainSeconds: number;
  peakRssMb: number;
  /** p50 when the bundles take turns call by call (see round-robin.ts); absent in older runs. */
  p50InterleavedMs?: number;
};

type TRunCost = {
  seconds: { teacher: number; student: number; total: number };
  factoryCpuSeconds?: number;
  peakRssMb: number;
  loadAverage?: { atStart: number[]; atEnd: number[] };
};

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : (x * 100).toFixed(2));

/** The benchmark table as Markdown: one row per dataset × variant, then the runtime agreement checks. */
export function markdownReport(
  rows: TBenchRow[],
  runs: Record<string, unknown>,
  env: Record<string, unknown>,
): string {
  const head =
    '| data (split) | model | n | accuracy % | macro-F1 % | in-scope % | OOS recall % | OOS prec. % | in-scope @ OOS recall ≥ 70 % | ECE | size MB | p50 ms | p99 ms | train s | peak RSS MB |';
  const sep = `|${'---|'.repeat(15)}`;
  const body = rows.map((r) => {
    const x = r.report;
    const at70 = x.oosAtRecall70
      ? `${pct(x.oosAtRecall70.inScopeAccuracy)} / ${pct(x.oosAtRecall70.oosRecall)}`
      : '—';
    return `| ${r.dataset} (${r.split}) | ${r.variant} | ${x.n} | ${pct(x.accuracy)} | ${pct(x.macroF1)} | ${pct(x.inScopeAccuracy)} | ${pct(x.oosRecall)} | ${pct(x.oosPrecision)} | ${at70} | ${x.ece.toFixed(4)} | ${(x.sizeBytes / 1e6).toFixed(2)} | ${x.p50LatencyMs.toFixed(3)} | ${x.p99LatencyMs.toFixed(3)} | ${r.trainSeconds.toFixed(1)} | ${r.peakRssMb} |`;
  });
  const ratios = [...new Set(rows.map((r) => r.dataset))].flatMap((d) => {
    const tr = rows.find((r) => r.dataset === d && r.variant === 'teacher');
    const qr = rows.find((r) => r.dataset === d && r.variant === 'student-int8');
    if (!tr || !qr) return [];
    const [t, q] = [tr.report, qr.report];
    const acc = (x: TEvalReport) => (x.oosAtRecall70 ? x.oosAtRecall70.inScopeAccuracy : x.accuracy);
    const interleaved =
      tr.p50InterleavedMs && qr.p50InterleavedMs
        ? ` (${(tr.p50InterleavedMs / qr.p50InterleavedMs).toFixed(2)}× interleaved call by call: teacher ${tr.p50InterleavedMs.toFixed(3)} ms, int8 ${qr.p50InterleavedMs.toFixed(3)} ms)`
        : '';
    return [
      `- ${d}: int8 − teacher accuracy ${((acc(q) - acc(t)) * 100).toFixed(2)} pt, ${(t.sizeBytes / q.sizeBytes).toFixed(1)}× smaller, p50 ${(t.p50LatencyMs / q.p50LatencyMs).toFixed(2)}× faster${interleaved}`,
    ];
  });
  const checks = Object.entries(runs).map(([name, run]) => `- ${name}: ${JSON.stringify(run)}`);
  const cost = Object.entries(runs).flatMap(([name, run]) => {
    const r = run as TRunCost;
    if (r.factoryCpuSeconds === undefined) return [];
    const load = r.loadAverage
      ? `, load average ${r.loadAverage.atStart[0]} at start / ${r.loadAverage.atEnd[0]} at end`
      : '';
    return [
      `- ${name}: teacher + student + int8 ${r.seconds.total.toFixed(0)} s wall (teacher ${r.seconds.teacher.toFixed(0)} s, student ${r.seconds.student.toFixed(0)} s), ${r.factoryCpuSeconds} CPU s, peak RSS ${r.peakRssMb} MB${load}`,
    ];
  });
  return [
    '# bench/ml results',
    '',
    `Environment: ${JSON.stringify(env)}`,
    '',
    head,
    sep,
    ...body,
    '',
    'student-int8 against the teacher (accuracy; in-scope accuracy at OOS recall ≥ 70 % where there is OOS):',
    ...ratios,
    '',
    'train s: teacher row = teacher ensemble; student rows = distillation; peak RSS = the training process.',
    'p50/p99: one text per ONNX Runtime run (featurisation not included), each bundle timed on runs of 50 consecutive calls, the four bundles taking turns (as serving calls one model; see round-robin.ts). "Interleaved": the bundles take turns call by call, so each call starts on caches the others have filled.',
    '',
    'Factory cost (wall time depends on the neighbours on this shared 2-core machine; CPU seconds less so):',
    ...cost,
    '',
    'Runs (seconds per stage, argmax agreement ONNX vs TensorFlow.js and int8 vs fp32 on the eval rows):',
    ...checks,
    '',
  ].join('\n');
}
