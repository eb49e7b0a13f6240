import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { TFileFormat, TImportResult } from '@acsa/datasets';
import type { PrismaClient } from '@acsa/db';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { connectDatabase } from '../services.ts';
import { registerList } from './data-list.ts';

/** Smaller files import in well under a second: a bar would only flicker. */
const PROGRESS_FROM_BYTES = 1_000_000;
/** Refused imports list this many bad lines; a wrong format would otherwise print every line of the file. */

type TImportFlags = {
  name?: string;
  format?: string;
  textCol?: string;
  intentCol?: string;
  splitCol?: string;
  labelMap?: string;
  map: string[];
  skipInvalid?: boolean;
  newIntents?: boolean;
  dryRun?: boolean;
  json?: boolean;
};

function progressBar(label: string, enabled: boolean) {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total}`,
      stream: process.stderr,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

const NEW_INTENTS_HINT = '--new-intents adds intents new to the shop on purpose';

/**
 * The intents the shop added beyond the taxonomy, as the database being imported into has them: with the
 * taxonomy, the same set the console's label check accepts. Without them an import would refuse a class an
 * earlier import added or the production model has.
 */
async function shopIntents(prisma: PrismaClient): Promise<ReadonlySet<string>> {
  const { addedIntentNames } = await import('@acsa/pipelines/review');
  return new Set(await addedIntentNames(prisma));
}

async function labelMapOf(
  flags: TImportFlags,
  knownIntents: ReadonlySet<string>,
): Promise<Record<string, string>> {
  const { parseLabelMapJson, parseLabelMapPairs, unknownLabelTargets } = await import('@acsa/datasets');
  let fromFile: Record<string, string>;
  let fromFlags: Record<string, string>;
  try {
    fromFile = flags.labelMap
      ? parseLabelMapJson(await readFile(flags.labelMap, 'utf8'), flags.labelMap)
      : {};
    fromFlags = parseLabelMapPairs(flags.map);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  // Checked before any row is read, naming the flag: a typo here would otherwise fail every row it renames.
  if (!flags.newIntents) {
    const wrong = [
      ...unknownLabelTargets(fromFile, { knownIntents }).map(
        (t) => `${flags.labelMap}: ${JSON.stringify(t.from)}: ${t.message}`,
      ),
      ...unknownLabelTargets(fromFlags, { knownIntents }).map((t) => `--map ${t.from}=${t.to}: ${t.message}`),
    ];
    if (wrong.length) throw new CliError(`${wrong.join('\n')}\n(${NEW_INTENTS_HINT})`);
  }
  return { ...fromFile, ...fromFlags };
}

async function importFile(file: string, flags: TImportFlags): Promise<void> {
  const started = performance.now();
  if (flags.format && flags.format !== 'jsonl' && flags.format !== 'csv')
    throw new CliError(`--format must be jsonl or csv, got "${flags.format}"`);
  const name = flags.name ?? basename(file, extname(file));
  if (!name.trim()) throw new CliError('--name must not be empty');
  // One connection for the whole run, closed however it ends: a dry run needs the database too, since what
  // the import accepts (the shop's intents) depends on the database it would write to.
  const prisma = await connectDatabase();
  try {
    await importWith({ prisma, file, name, flags, started });
  } finally {
    await prisma.$disconnect();
  }
}

async function importWith(options: {
  prisma: PrismaClient;
  file: string;
  name: string;
  flags: TImportFlags;
  started: number;
}): Promise<void> {
  const { prisma, file, name, flags, started } = options;
  // Loaded here, not at the top: every other command would pay for the Prisma client (~1 s) on start.
  const { DatasetFileError, formatImportSummary, importDataset, prepareImport, summarizeImport } =
    await import('@acsa/datasets');
  const { LISTED_ROW_PROBLEMS } = await import('@acsa/ml/data');
  // Read before any check of the file: known intents decide which rows and --map targets are accepted.
  const knownIntents = await shopIntents(prisma);
  const labelMap = await labelMapOf(flags, knownIntents);
  const size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  const showProgress = !flags.json && size >= PROGRESS_FROM_BYTES;

  const reading = progressBar('reading', showProgress);
  const prepared = await prepareImport(file, {
    format: flags.format as TFileFormat | undefined,
    csv: { textCol: flags.textCol, intentCol: flags.intentCol, splitCol: flags.splitCol },
    labelMap,
    knownIntents,
    allowNewIntents: flags.newIntents ?? false,
    onProgress: (done, total) => reading.update(done, total),
  })
    .catch((e) => {
      if (!(e instanceof DatasetFileError)) throw e;
      const hint = e.code === 'MISSING_COLUMN' ? '; --text-col and --intent-col name the columns' : '';
      throw new CliError(`${e.message}${hint}`);
    })
    .finally(() => reading.stop());

  const { errors, refusedIntents } = prepared;
  const listed = flags.skipInvalid ? errors : errors.slice(0, LISTED_ROW_PROBLEMS);
  for (const e of listed) console.error(`${e.at}: ${e.message}${flags.skipInvalid ? ' (skipped)' : ''}`);
  if (listed.length < errors.length)
    console.error(`… and ${errors.length - listed.length} more invalid rows`);
  if (refusedIntents.length)
    console.error(
      `${refusedIntents.length} intent${refusedIntents.length === 1 ? '' : 's'} the shop does not have ` +
        `(${refusedIntents.slice(0, LISTED_ROW_PROBLEMS).join(', ')}): rename them (--map old=new) or ${NEW_INTENTS_HINT}`,
    );
  const seconds = () => (performance.now() - started) / 1000;
  if (errors.length && !flags.skipInvalid) {
    if (flags.json)
      console.log(
        JSON.stringify(summarizeImport(prepared, { dataset: name, ok: false, seconds: seconds() })),
      );
    throw new CliError(
      `${errors.length} invalid row${errors.length === 1 ? '' : 's'} in ${file}; nothing was imported (--skip-invalid imports the valid rows)`,
    );
  }
  if (!prepared.rows.length) throw new CliError(`${file}: no valid rows to import`);

  let result: TImportResult | undefined;
  if (!flags.dryRun) {
    const writing = progressBar('writing', showProgress);
    try {
      result = await importDataset(prisma, prepared, {
        name,
        skipInvalid: flags.skipInvalid,
        onProgress: (done, total) => writing.update(done, total),
      });
    } finally {
      writing.stop();
    }
  }
  const summary = summarizeImport(prepared, {
    dataset: name,
    ok: true,
    seconds: seconds(),
    ...(result ? { result } : {}),
  });
  console.log(flags.json ? JSON.stringify(summary) : formatImportSummary(summary));
}

export function register(program: Command): void {
  const data = program
    .command('data')
    .description('Labelled datasets: import files as new dataset versions, list the versions');
  data
    .command('import')
    .description(
      'Import a JSONL ({text, intent, entities?, split?} a line) or CSV file as the next version of a dataset; ' +
        "rows are validated (nothing is written if one is invalid), each intent must be one of the shop's " +
        "(the taxonomy, classes earlier imports added, the production model's labels; after --label-map/--map) " +
        'unless --new-intents, and rows are deduplicated by normalised text',
    )
    .argument('<file>', 'the .jsonl or .csv file')
    .option('--name <name>', 'dataset name (default: the file name without extension)')
    .option('--format <format>', 'jsonl or csv (default: from the extension)')
    .option('--text-col <column>', 'CSV column with the text', 'text')
    .option('--intent-col <column>', 'CSV column with the intent', 'intent')
    .option('--split-col <column>', 'CSV column with the split, when there is one', 'split')
    .option('--label-map <file.json>', 'rename intents: a JSON object {"old": "new"}')
    .option(
      '--map <old=new>',
      'rename one intent (repeatable; wins over --label-map)',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option('--skip-invalid', 'import the valid rows and report every invalid one')
    .option(
      '--new-intents',
      'accept intents the shop does not have yet (refused by default: no reply template knows them); ' +
        'for a shop adding classes on purpose or a dataset with a taxonomy of its own. Not needed again ' +
        'for a class an earlier import added: the shop has it from then on',
    )
    .option('--dry-run', 'check and count, write nothing')
    .option('--json', 'print the result as one JSON object (last line of stdout)')
    .action((file: string, flags: TImportFlags) => importFile(file, flags));
  registerList(data);
}
