import type { TImportResult } from './import-dataset.ts';
import type { TPreparedImport } from './types.ts';

/** What an import did, as `--json` prints it and as the human summary reads it. */
export type TImportSummary = {
  ok: boolean;
  dataset: string;
  /** Absent on a dry run or a refused import: nothing was written. */
  version?: number;
  datasetVersionId?: string;
  file: { path: string; format: string; bytes: number; sha256: string };
  rows: number;
  imported: number;
  invalid: number;
  duplicates: number;
  splits: { train: number; dev: number; test: number };
  intents: number;
  conflicts: Array<{ at: string; intent: string; firstAt: string; firstIntent: string; text: string }>;
  /** Invalid rows: skipped with --skip-invalid, the reason for refusing otherwise. */
  errors: Array<{ at: string; message: string }>;
  fixedSpans: number;
  unusedLabels: string[];
  /** Intents new to the shop (neither the taxonomy nor added before) that `--new-intents` let in. */
  newIntents: string[];
  seconds: number;
};

export function summarizeImport(
  prepared: TPreparedImport,
  options: { dataset: string; result?: TImportResult; ok: boolean; seconds: number },
): TImportSummary {
  const { stats } = prepared;
  return {
    ok: options.ok,
    dataset: options.dataset,
    ...(options.result
      ? { version: options.result.datasetVersion.version, datasetVersionId: options.result.datasetVersion.id }
      : {}),
    file: {
      path: prepared.file.path,
      format: prepared.file.format,
      bytes: prepared.file.bytes,
      sha256: prepared.file.sha256,
    },
    rows: stats.rows,
    imported: options.ok ? stats.imported.total : 0,
    invalid: stats.invalid,
    duplicates: stats.duplicates,
    splits: { train: stats.imported.train, dev: stats.imported.dev, test: stats.imported.test },
    intents: Object.keys(stats.imported.intents).length,
    conflicts: prepared.duplicates
      .filter((d) => d.conflict)
      .map(({ at, intent, firstAt, firstIntent, text }) => ({ at, intent, firstAt, firstIntent, text })),
    errors: prepared.errors.map(({ at, message }) => ({ at, message })),
    fixedSpans: stats.fixedSpans,
    unusedLabels: prepared.unusedLabels,
    newIntents: prepared.newIntents,
    seconds: Math.round(options.seconds * 100) / 100,
  };
}

const LISTED_CONFLICTS = 20;

/** The summary as a few lines for a person at a terminal. */
export function formatImportSummary(s: TImportSummary): string {
  const where = s.version
    ? `dataset "${s.dataset}" version ${s.version}`
    : `dataset "${s.dataset}" (dry run, nothing written)`;
  const lines = [
    `${s.file.path} → ${where}`,
    `  rows read    ${s.rows}`,
    `  imported     ${s.imported}  (train ${s.splits.train}, dev ${s.splits.dev}, test ${s.splits.test}; ${s.intents} intents)`,
    `  duplicates   ${s.duplicates}${s.conflicts.length ? `  (${s.conflicts.length} with another intent than the row kept)` : ''}`,
  ];
  for (const c of s.conflicts.slice(0, LISTED_CONFLICTS))
    lines.push(`    ${c.at} ${c.intent} ≠ ${c.firstAt} ${c.firstIntent}: ${JSON.stringify(c.text)}`);
  if (s.conflicts.length > LISTED_CONFLICTS)
    lines.push(`    … and ${s.conflicts.length - LISTED_CONFLICTS} more (--json lists them all)`);
  if (s.invalid) lines.push(`  skipped      ${s.invalid} invalid rows (listed above)`);
  if (s.fixedSpans)
    lines.push(
      `  entity spans ${s.fixedSpans} ended past their text; cut to the text's end, as their surface shows`,
    );
  if (s.newIntents.length)
    lines.push(
      `  new intents  ${s.newIntents.length} new to the shop (no reply template knows them yet): ${s.newIntents.slice(0, LISTED_CONFLICTS).join(', ')}${s.newIntents.length > LISTED_CONFLICTS ? ', …' : ''}`,
    );
  if (s.unusedLabels.length)
    lines.push(`  label map    no row had ${s.unusedLabels.map((l) => JSON.stringify(l)).join(', ')}`);
  lines.push(
    `  sha256       ${s.file.sha256}  (${(s.file.bytes / 1e6).toFixed(1)} MB, ${s.seconds.toFixed(1)} s)`,
  );
  return lines.join('\n');
}
