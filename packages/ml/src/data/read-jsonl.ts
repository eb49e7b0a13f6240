import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DatasetError } from './dataset-error.ts';

export const ZSpan = z.object({
  type: z.string(),
  value: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type TSpan = z.infer<typeof ZSpan>;

export const ZLabeledRow = z.object({
  text: z.string().trim().min(1),
  intent: z.string().trim().min(1),
  split: z.string().optional(),
  entities: z.array(ZSpan.passthrough()).optional(),
});
export type TLabeledRow = z.infer<typeof ZLabeledRow> & { file: string; line: number };

/** Reads labeled JSONL; any malformed line fails with the file and line, so the fix is one edit away. */
export function readLabeledJsonl(file: string): TLabeledRow[] {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DatasetError(
      file,
      undefined,
      `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const rows: TLabeledRow[] = [];
  raw.split('\n').forEach((text, i) => {
    if (!text.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new DatasetError(file, i + 1, 'not valid JSON');
    }
    const parsed = ZLabeledRow.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || 'row';
      const what = json && typeof json === 'object' && !(field in json) ? 'is missing' : 'is invalid';
      throw new DatasetError(file, i + 1, `"${field}" ${what} (${issue.message})`);
    }
    rows.push({ ...parsed.data, file, line: i + 1 });
  });
  if (rows.length === 0) throw new DatasetError(file, undefined, 'no rows (empty file)');
  return rows;
}

export const OOS_LABELS = new Set(['oos', 'out_of_scope']);
export const isOutOfScope = (intent: string): boolean => OOS_LABELS.has(intent);

/** Rows without a split count as training rows; `val` is the same as `dev`. */
export function splitOf(row: { split?: string | undefined }): string {
  const s = row.split?.trim().toLowerCase();
  if (!s) return 'train';
  return s === 'val' || s === 'validation' ? 'dev' : s;
}
