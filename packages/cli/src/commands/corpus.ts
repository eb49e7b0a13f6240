import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  corpusStats,
  DEFAULT_PER_INTENT,
  DEFAULT_SEED,
  generateCorpus,
  type TCorpusStats,
  type TSplitCounts,
} from '@acsa/corpus';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

export type TWriteCorpusResult = { out: string; seed: number; perIntent: number; ms: number } & TCorpusStats;

/** Generates the bootstrap corpus and writes it as JSONL, one `{text,intent,entities,split}` a line. */
export async function writeCorpus(options: {
  out: string;
  seed: number;
  perIntent: number;
}): Promise<TWriteCorpusResult> {
  const started = performance.now();
  const rows = generateCorpus({ seed: options.seed, perIntent: options.perIntent });
  const ms = Math.round(performance.now() - started);
  const out = resolve(options.out);
  await mkdir(dirname(out), { recursive: true });
  const lines = rows.map(({ text, intent, entities, split }) =>
    JSON.stringify({ text, intent, entities, split }),
  );
  await writeFile(out, `${lines.join('\n')}\n`);
  return { out, seed: options.seed, perIntent: options.perIntent, ms, ...corpusStats(rows) };
}

function integer(name: string, raw: string, min: number): number {
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new CliError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function table(result: TWriteCorpusResult): string {
  const row = (label: string, c: TSplitCounts) =>
    [label.padEnd(26), ...[c.train, c.dev, c.test, c.total].map((n) => String(n).padStart(7))].join('');
  const header = ['intent'.padEnd(26), ...['train', 'dev', 'test', 'total'].map((h) => h.padStart(7))].join(
    '',
  );
  const entities = Object.entries(result.entities)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  return [
    header,
    ...Object.entries(result.byIntent).map(([intent, counts]) => row(intent, counts)),
    row('all', result.total),
    '',
    `entity spans: ${entities}`,
    `wrote ${result.total.total} rows to ${result.out} (seed ${result.seed}, generated in ${result.ms} ms)`,
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('corpus')
    .description(
      'Generate the bootstrap corpus (support utterances for every intent, with entities) as JSONL',
    )
    .requiredOption('--out <file>', 'JSONL file to write')
    .option('--seed <n>', 'random seed; the same seed gives the same corpus', String(DEFAULT_SEED))
    .option('--per-intent <n>', 'distinct utterances per intent', String(DEFAULT_PER_INTENT))
    .option('--json', 'print the counts as one JSON object instead of a table')
    .action(async (opts: { out: string; seed: string; perIntent: string; json?: boolean }) => {
      const result = await writeCorpus({
        out: opts.out,
        seed: integer('--seed', opts.seed, Number.MIN_SAFE_INTEGER),
        perIntent: integer('--per-intent', opts.perIntent, 1),
      });
      console.log(opts.json ? JSON.stringify(result) : table(result));
      const short = Object.entries(result.byIntent).filter(([, c]) => c.total < result.perIntent);
      if (short.length > 0 && !opts.json) {
        console.error(
          `warning: fewer than ${result.perIntent} distinct utterances for ${short.map(([i]) => i).join(', ')}`,
        );
      }
    });
}
