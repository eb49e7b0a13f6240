import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { readJsonlRecords, type TRawRecord } from '@acsa/ml/data';
import { addToCounts, emptyCounts } from './counts.ts';
import { DatasetFileError } from './errors.ts';
import { isKnownIntent, unknownIntentMessage } from './intent-check.ts';
import { readCsv } from './read-csv.ts';
import { validateRow } from './row-schema.ts';
import type { TDuplicate, TImportRow, TPreparedImport, TPrepareOptions, TRowError } from './types.ts';

export { DatasetFileError } from './errors.ts';
export { isKnownIntent, type TIntentCheckOptions, unknownIntentMessage } from './intent-check.ts';
export { parseLabelMapJson, parseLabelMapPairs, unknownLabelTargets } from './label-map.ts';
export type * from './types.ts';

/**
 * Reads a labelled-utterance file and decides what an import of it would write, without touching a
 * database: every row validated (errors name `FILE:LINE` and the field), intents renamed by the label
 * map and then checked against the shop's intents (the taxonomy and `knownIntents`, unless
 * `allowNewIntents`), splits named or computed, and rows whose normalised text an earlier row had set
 * aside as duplicates. The whole file is read into
 * memory: its rows are held there until the one transaction that writes them anyway, and the checksum
 * needs every byte.
 */
export async function prepareImport(path: string, options: TPrepareOptions = {}): Promise<TPreparedImport> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new DatasetFileError(
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'UNREADABLE',
    );
  }
  const format = options.format ?? (extname(path).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
  const name = basename(path);
  const labelMap = options.labelMap ?? {};
  const knownIntents = options.knownIntents;
  const refusals = new Map<string, string>();
  const usedLabels = new Set<string>();
  const csv =
    format === 'csv'
      ? {
          textCol: options.csv?.textCol ?? 'text',
          intentCol: options.csv?.intentCol ?? 'intent',
          splitCol: options.csv?.splitCol ?? 'split',
        }
      : undefined;
  const records: AsyncIterable<TRawRecord> | Iterable<TRawRecord> = csv
    ? readCsv(buf, path, csv)
    : readJsonlRecords(buf);

  const rows: TImportRow[] = [];
  const errors: TRowError[] = [];
  const duplicates: TDuplicate[] = [];
  const firstByKey = new Map<string, TImportRow>();
  const newIntents = new Set<string>();
  const refusedIntents = new Set<string>();
  const valid = emptyCounts();
  const imported = emptyCounts();
  let count = 0;
  let fixedSpans = 0;
  let lastProgress = 0;
  for await (const record of records) {
    count++;
    if (options.onProgress && record.bytesEnd - lastProgress > 256 * 1024) {
      lastProgress = record.bytesEnd;
      options.onProgress(record.bytesEnd, buf.length);
    }
    const at = `${path}:${record.line}`;
    if ('error' in record) {
      errors.push({ line: record.line, at, message: record.error });
      continue;
    }
    const result = validateRow(record.value);
    if (!result.ok) {
      errors.push({ line: record.line, at, message: result.message });
      continue;
    }
    const { fixedSpans: fixed, ...fields } = result.row;
    fixedSpans += fixed;
    const mapped = labelMap[fields.intent];
    if (mapped !== undefined) usedLabels.add(fields.intent);
    const intent = mapped ?? fields.intent;
    if (!isKnownIntent(intent, { knownIntents })) {
      if (!options.allowNewIntents) {
        // One message (a nearest-intent search) per refused label, however many rows carry it.
        const key = `${intent}\u0000${mapped === undefined ? '' : fields.intent}`;
        let unknown = refusals.get(key);
        if (unknown === undefined) {
          unknown =
            unknownIntentMessage(intent, {
              knownIntents,
              ...(mapped === undefined ? {} : { mappedFrom: fields.intent }),
            }) ?? '';
          refusals.set(key, unknown);
        }
        errors.push({ line: record.line, at, message: `intent: ${unknown}` });
        refusedIntents.add(intent);
        continue;
      }
      // Only what the shop did not have yet: the version's meta.newIntents is where a later import and the
      // console's label check learn the class exists, and the version that first added it still says so.
      newIntents.add(intent);
    }
    const row: TImportRow = { line: record.line, ...fields, intent };
    addToCounts(valid, row);
    const first = firstByKey.get(row.key);
    if (first) {
      duplicates.push({
        line: row.line,
        at,
        firstLine: first.line,
        firstAt: `${path}:${first.line}`,
        text: row.text,
        intent: row.intent,
        firstIntent: first.intent,
        conflict: row.intent !== first.intent,
      });
      continue;
    }
    firstByKey.set(row.key, row);
    rows.push(row);
    addToCounts(imported, row);
  }
  options.onProgress?.(buf.length, buf.length);
  return {
    file: { path, name, format, bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') },
    rows,
    errors,
    duplicates,
    stats: {
      rows: count,
      invalid: errors.length,
      duplicates: duplicates.length,
      conflicts: duplicates.filter((d) => d.conflict).length,
      fixedSpans,
      valid,
      imported,
    },
    labelMap,
    newIntents: [...newIntents].sort(),
    refusedIntents: [...refusedIntents].sort(),
    unusedLabels: Object.keys(labelMap).filter((label) => !usedLabels.has(label)),
    ...(csv ? { csv } : {}),
  };
}
