/**
 * The model-factory benchmark (run on purpose: `npx tsx bench/ml/run.ts [dataset ...]`). For each shared
 * dataset: trains teacher, student, int8 student and the linear baseline on the train split (one child
 * process per dataset, so its peak RSS is its own), evaluates all four on the held-out split, and writes
 * bench/ml/results/{results.json,RESULTS.md,accuracy-vs-latency.svg}.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { readLabeledJsonl, splitOf } from '../../packages/ml/src/data/read-jsonl.ts';
import { evaluate, type TEvalReport } from '../../packages/ml/src/eval/evaluate.ts';
import { IntentClassifier } from '../../packages/ml/src/onnx/intent-classifier.ts';
import { scatterSvg } from './chart-svg.ts';
import { markdownReport, type TBenchRow } from './report.ts';
import { roundRobinLatency } from './round-robin.ts';

const DATA = process.env.ACSA_SHARED_DATA ?? path.resolve(import.meta.dirname, '../../../shared/data');
const RESULTS = path.join(import.meta.dirname, 'results');
// clinc150 is scored on dev (its test split is held back), so it trains on train rows alone and the
// factory holds out part of train for calibration: dev stays unseen.
const DATASETS: Record<string, { evalSplit: string; trainOnly: boolean }> = {
  'bitext-customer-service': { evalSplit: 'test', trainOnly: false },
  'bitext-customer-support-20k': { evalSplit: 'test', trainOnly: false },
  banking77: { evalSplit: 'test', trainOnly: false },
  clinc150: { evalSplit: 'dev', trainOnly: true },
};

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(DATASETS);
const work = path.join(tmpdir(), 'acsa-bench-ml');
mkdirSync(RESULTS, { recursive: true });
const rows: TBenchRow[] = [];
const runs: Record<string, unknown> = {};
for (const name of names) {
  const spec = DATASETS[name];
  const file = path.join(DATA, name, `${name}.jsonl`);
  if (!spec || !existsSync(file)) {
    console.error(`skip ${name}: ${spec ? `${file} not found` : 'unknown dataset'}`);
    continue;
  }
  let trainFile = file;
  if (spec.trainOnly) {
    trainFile = path.join(work, `${name}.train.jsonl`);
    mkdirSync(work, { recursive: true });
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && splitOf(JSON.parse(l)) === 'train');
    writeFileSync(trainFile, `${lines.join('\n')}\n`);
  }
  const out = path.join(work, name);
  const atStart = loadavg().map((x) => Number(x.toFixed(2)));
  console.error(`== ${name}: training (load average ${atStart[0]} on ${cpus().length} cores)`);
  const stdout = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'train-one.ts'), trainFile, out, file, spec.evalSplit],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  const run = {
    ...JSON.parse(stdout.trim().split('\n').at(-1)!),
    loadAverage: { atStart, atEnd: loadavg().map((x) => Number(x.toFixed(2))) },
  };
  runs[name] = run;
  const evalRows = readLabeledJsonl(file).filter((r) => splitOf(r) === spec.evalSplit);
  const variants = ['baseline', 'teacher', 'student', 'student-int8'] as const;
  const models = await Promise.all(variants.map((v) => IntentClassifier.load(path.join(out, v))));
  // Latency is measured in turns over the four bundles (the same texts to each, see round-robin.ts), not
  // per bundle inside evaluate, so load from neighbours on this shared machine falls on all of them alike.
  const latency = await roundRobinLatency(
    models,
    evalRows.map((r) => r.text),
    2000,
  );
  for (const [k, variant] of variants.entries()) {
    const report: TEvalReport = {
      ...(await evaluate(models[k]!, evalRows, { latencySamples: 0 })),
      p50LatencyMs: latency[k]!.p50Ms,
      p99LatencyMs: latency[k]!.p99Ms,
    };
    await models[k]!.release();
    const trainSeconds =
      variant === 'baseline'
        ? run.seconds.baseline
        : variant === 'teacher'
          ? run.seconds.teacher
          : run.seconds.student;
    rows.push({
      dataset: name,
      split: spec.evalSplit,
      variant,
      report,
      trainSeconds,
      peakRssMb: run.peakRssMb,
      p50InterleavedMs: latency[k]!.p50InterleavedMs,
    });
    console.error(
      `${name} ${variant}: accuracy ${(report.accuracy * 100).toFixed(2)} %, p50 ${report.p50LatencyMs.toFixed(3)} ms`,
    );
  }
}
// Runs for other datasets (earlier or in parallel invocations) are kept, so datasets can run one by one.
const resultsFile = path.join(RESULTS, 'results.json');
if (existsSync(resultsFile)) {
  const old = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
    runs: Record<string, unknown>;
    rows: TBenchRow[];
  };
  for (const [k, v] of Object.entries(old.runs)) if (!(k in runs)) runs[k] = v;
  rows.unshift(...old.rows.filter((r) => !names.includes(r.dataset)));
}
const env = {
  cpus: cpus().length,
  loadAverage: loadavg(),
  node: process.version,
  date: new Date().toISOString(),
};
writeFileSync(resultsFile, `${JSON.stringify({ env, runs, rows }, null, 2)}\n`);
writeFileSync(path.join(RESULTS, 'RESULTS.md'), markdownReport(rows, runs, env));
writeFileSync(
  path.join(RESULTS, 'accuracy-vs-latency.svg'),
  scatterSvg(
    rows.map((r) => ({
      series: r.variant,
      label: r.dataset,
      x: r.report.p50LatencyMs,
      y: 100 * (r.report.inScopeAccuracy ?? r.report.accuracy),
    })),
    {
      title: 'Accuracy vs p50 latency (ONNX Runtime, 1 text, 1 thread)',
      xLabel: 'p50 latency, ms (log)',
      yLabel: 'accuracy / in-scope accuracy, %',
    },
  ),
);
console.log(markdownReport(rows, runs, env));
console.log(`max RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
