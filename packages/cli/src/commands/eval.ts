import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, type TEvalReport } from '@acsa/ml/eval';
import { BundleError, IntentClassifier } from '@acsa/ml/onnx';
import { DatasetError, readLabeledJsonl, splitOf } from '@acsa/ml/train';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { stageProgress } from './train.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)} %`);

function report(r: TEvalReport, model: string): string {
  const width = Math.max(6, ...r.perIntent.map((s) => s.intent.length)) + 2;
  const rows = r.perIntent.map(
    (s) =>
      `${s.intent.padEnd(width)}${(s.precision * 100).toFixed(1).padStart(9)}${(s.recall * 100).toFixed(1).padStart(9)}${String(s.support).padStart(9)}`,
  );
  const oos70 = r.oosAtRecall70
    ? `best over thresholds at out-of-scope recall ≥ 70 %: in-scope ${pct(r.oosAtRecall70.inScopeAccuracy)} / recall ${pct(r.oosAtRecall70.oosRecall)}`
    : null;
  return [
    `${'intent'.padEnd(width)}${'prec %'.padStart(9)}${'recall %'.padStart(9)}${'support'.padStart(9)}`,
    ...rows,
    '',
    `model ${model}: ${r.n} rows`,
    `accuracy ${pct(r.accuracy)}  macro-F1 ${pct(r.macroF1)}  in-scope accuracy ${pct(r.inScopeAccuracy)}`,
    `out-of-scope recall ${pct(r.oosRecall)}  precision ${pct(r.oosPrecision)}  ECE ${r.ece.toFixed(4)}`,
    ...(oos70 ? [oos70] : []),
    `size ${(r.sizeBytes / 1e6).toFixed(2)} MB  latency (ONNX Runtime, 1 text) p50 ${r.p50LatencyMs.toFixed(3)} ms  p99 ${r.p99LatencyMs.toFixed(3)} ms  (with featurisation p50 ${r.p50EndToEndMs.toFixed(3)} ms)`,
  ].join('\n');
}

/** A training output directory is not a bundle: name the bundles inside it so the fix is obvious. */
function checkBundleDir(dir: string): void {
  if (existsSync(join(dir, 'manifest.json'))) return;
  const inside = existsSync(dir)
    ? readdirSync(dir).filter((d) => existsSync(join(dir, d, 'manifest.json')))
    : [];
  const hint = inside.length ? `; bundles inside: ${inside.map((d) => join(dir, d)).join(', ')}` : '';
  throw new CliError(`${join(dir, 'manifest.json')}: not a model bundle${hint}`);
}

export function register(program: Command): void {
  program
    .command('eval')
    .description(
      'Evaluate a model bundle on labeled JSONL: accuracy, macro-F1, out-of-scope, ECE, size, latency',
    )
    .requiredOption('--model <dir>', 'bundle directory (model.onnx + manifest.json)')
    .requiredOption('--data <file>', 'labeled JSONL')
    .option('--split <name>', 'rows of this split only (default: test, else dev, else all)')
    .option('--latency-samples <n>', 'texts timed one at a time', '500')
    .option('--json', 'print the report as one JSON object on the last line (no progress bars)')
    .action(
      async (opts: {
        model: string;
        data: string;
        split?: string;
        latencySamples: string;
        json?: boolean;
      }) => {
        checkBundleDir(opts.model);
        const samples = Number(opts.latencySamples);
        if (!Number.isInteger(samples) || samples < 1) {
          throw new CliError(`--latency-samples must be a positive integer, got "${opts.latencySamples}"`);
        }
        const progress = stageProgress(!opts.json);
        try {
          const rows = readLabeledJsonl(opts.data);
          const splits = [...new Set(rows.map(splitOf))].sort();
          const wanted = opts.split
            ? splitOf({ split: opts.split })
            : ['test', 'dev'].find((s) => splits.includes(s));
          if (wanted && !splits.includes(wanted)) {
            throw new CliError(
              `${opts.data}: no rows with split "${opts.split}" (splits here: ${splits.join(', ')})`,
            );
          }
          const picked = wanted ? rows.filter((r) => splitOf(r) === wanted) : rows;
          const clf = await IntentClassifier.load(opts.model);
          const result = await evaluate(clf, picked, {
            latencySamples: samples,
            onProgress: (done, total) => progress.update({ stage: 'evaluate', done, total }),
          });
          await clf.release();
          progress.stop();
          console.log(
            opts.json ? JSON.stringify({ split: wanted ?? 'all', ...result }) : report(result, opts.model),
          );
        } catch (err) {
          progress.stop();
          if (err instanceof DatasetError || err instanceof BundleError) throw new CliError(err.message);
          throw err;
        }
      },
    );
}
