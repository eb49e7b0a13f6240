import { resolve } from 'node:path';
import type { TEvalMetrics, TManifest } from '@acsa/ml/manifest';
import { DatasetError, type TFactoryResult, trainFactory } from '@acsa/ml/train';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

type TStageProgress = {
  update: (p: { stage: string; done: number; total: number; detail?: string }) => void;
  log: (line: string) => void;
  stop: () => void;
};

/**
 * Off a terminal (a pipe, a CI or a pod's log) a line per stage as it starts, at each fifth of it, and as it
 * ends: cli-progress draws nothing there, and what it printed at the end lacked its labels ("{stage}").
 */
function stageLines(): TStageProgress {
  const reached = new Map<string, number>();
  return {
    update: ({ stage, done, total, detail }) => {
      const fifth = total > 0 ? Math.floor((done / total) * 5) : 5;
      if (reached.get(stage) === fifth) return;
      reached.set(stage, fifth);
      console.error(`${stage.padEnd(16)} ${fifth * 20}% ${done}/${total}${detail ? ` ${detail}` : ''}`);
    },
    log: (line) => console.error(line),
    stop: () => {},
  };
}

/**
 * One progress bar per stage on stderr (stdout stays clean for --json), lines instead off a terminal; a no-op
 * when `enabled` is false.
 */
export function stageProgress(enabled: boolean): TStageProgress {
  if (!enabled) return { update: () => {}, log: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) return stageLines();
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: '{stage} [{bar}] {percentage}% {value}/{total} {detail}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update: ({ stage, done, total, detail }) => {
      let bar = bars.get(stage);
      if (!bar) {
        bar = multi.create(total, 0, { stage: stage.padEnd(16), detail: '' });
        bars.set(stage, bar);
      }
      bar.setTotal(total);
      bar.update(done, detail === undefined ? {} : { detail });
    },
    // Lines go above the bars instead of tearing through them (on a terminal; plain lines otherwise).
    log: (line) => (process.stderr.isTTY ? multi.log(`${line}\n`) : console.error(line)),
    stop: () => multi.stop(),
  };
}

function summary(r: TFactoryResult): string {
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)} %`);
  const lines = r.bundles.map(({ variant, dir, manifest: m }) =>
    [
      variant.padEnd(14),
      `dev acc ${pct(m.metrics.dev.accuracy)}`.padEnd(20),
      `ECE ${m.metrics.dev.ece.toFixed(3)}`.padEnd(11),
      `T ${m.calibration.temperature.toFixed(2)}`.padEnd(8),
      `${(m.model.sizeBytes / 1e6).toFixed(2)} MB`.padStart(11),
      `  ${dir}`,
    ].join(''),
  );
  return [
    `trained on ${r.trainRows} rows (${r.labels} intents), dev ${r.devRows} rows, backend ${r.backend}`,
    ...lines,
    `time: teacher ${r.seconds.teacher.toFixed(1)} s, student ${r.seconds.student.toFixed(1)} s, total ${r.seconds.total.toFixed(1)} s`,
  ].join('\n');
}

type TTrainSummary = {
  backend: string;
  seed: number;
  trainRows: number;
  devRows: number;
  labels: number;
  seconds: TFactoryResult['seconds'];
  bundles: Array<{
    variant: TFactoryResult['bundles'][number]['variant'];
    dir: string;
    precision: TManifest['model']['precision'];
    parameters: number;
    sha256: string;
    sizeBytes: number;
    dev: TEvalMetrics;
    temperature: number;
    outOfScope: TManifest['outOfScope'];
  }>;
};

/**
 * What `--json` prints: the run's figures, field by field. Never spread the factory's result here: it
 * carries the trained weights (tens of millions of floats), and printing them ran the CLI out of memory.
 */
function jsonSummary(r: TFactoryResult, opts: { seed: number }): TTrainSummary {
  return {
    backend: r.backend,
    seed: opts.seed,
    trainRows: r.trainRows,
    devRows: r.devRows,
    labels: r.labels,
    seconds: { teacher: r.seconds.teacher, student: r.seconds.student, total: r.seconds.total },
    bundles: r.bundles.map(({ variant, dir, manifest: m }) => ({
      variant,
      dir,
      precision: m.model.precision,
      parameters: m.model.architecture.parameters,
      sha256: m.model.sha256,
      sizeBytes: m.model.sizeBytes,
      dev: m.metrics.dev,
      temperature: m.calibration.temperature,
      outOfScope: m.outOfScope,
    })),
  };
}

export function register(program: Command): void {
  program
    .command('train')
    .description('Train teacher, distilled student and int8 student on labeled JSONL; write three bundles')
    .requiredOption(
      '--data <file>',
      'labeled JSONL ({text,intent,split?}); repeat to combine files',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .requiredOption('--out <dir>', 'directory for the teacher/, student/ and student-int8/ bundles')
    .option('--seed <n>', 'random seed', '1')
    .option('--json', 'print the result as one JSON object (no progress bars)')
    .action(async (opts: { data: string[]; out: string; seed: string; json?: boolean }) => {
      const seed = Number(opts.seed);
      if (!Number.isSafeInteger(seed)) throw new CliError(`--seed must be an integer, got "${opts.seed}"`);
      const progress = stageProgress(!opts.json);
      try {
        const result = await trainFactory({
          files: opts.data,
          out: resolve(opts.out),
          seed,
          onProgress: progress.update,
          log: progress.log,
        });
        progress.stop();
        if (opts.json) console.log(JSON.stringify(jsonSummary(result, { seed })));
        else console.log(summary(result));
      } catch (err) {
        progress.stop();
        if (err instanceof DatasetError) throw new CliError(err.message);
        throw err;
      }
    });
}
