import { readFileSync } from 'node:fs';
import { DatasetError, type TRowProblem } from './dataset-error.ts';
import { readJsonlRecords } from './jsonl-records.ts';
import { describeIssues, ZRowInput } from './row-format.ts';
import { parseSplitName, type TSplitName, unknownSplitMessage } from './split-name.ts';

/** A row to train or evaluate on; `split` is the canonical name (`val` read as `dev`), absent when none. */
export type TLabeledRow = { text: string; intent: string; split?: TSplitName; file: string; line: number };

/**
 * Reads labeled JSONL as `acsa data import` reads it (one reader, one row schema): a BOM and CRLF are fine;
 * bytes that are not UTF-8, a line that is not JSON, a missing field or a split name we do not know (a
 * typo would silently take the row out of training) each name `FILE:LINE`, and every bad row is reported
 * in one error rather than the first alone, so a file is fixed in one pass.
 */
export function readLabeledJsonl(file: string): TLabeledRow[] {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new DatasetError(
      file,
      undefined,
      `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const rows: TLabeledRow[] = [];
  const problems: TRowProblem[] = [];
  for (const record of readJsonlRecords(buf)) {
    const { line } = record;
    if ('error' in record) {
      problems.push({ line, message: record.error });
      continue;
    }
    const parsed = ZRowInput.safeParse(record.value);
    if (!parsed.success) {
      problems.push({ line, message: describeIssues(parsed.error) });
      continue;
    }
    const { text, intent, split: name } = parsed.data;
    const split = name?.trim() ? parseSplitName(name) : undefined;
    if (name?.trim() && !split) {
      problems.push({ line, message: unknownSplitMessage(name) });
      continue;
    }
    rows.push({ text, intent, ...(split ? { split } : {}), file, line });
  }
  if (problems.length) throw DatasetError.ofRows(file, problems);
  if (rows.length === 0) throw new DatasetError(file, undefined, 'no rows (empty file)');
  return rows;
}

export const OOS_LABELS = new Set(['oos', 'out_of_scope']);
export const isOutOfScope = (intent: string): boolean => OOS_LABELS.has(intent);

/** Rows without a split count as training rows; `val`/`validation` are the same as `dev`. */
export function splitOf(row: { split?: string | undefined }): string {
  const s = row.split?.trim().toLowerCase();
  if (!s) return 'train';
  return parseSplitName(s) ?? s;
}
