import { Readable } from 'node:stream';
import { badUtf8Lines, describeBadUtf8, type TBadUtf8Line, type TRawRecord } from '@acsa/ml/data';
import { parse } from 'csv-parse';
import { DatasetFileError } from './errors.ts';
import type { TCsvColumns } from './types.ts';

const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;

/** Counts newlines of a buffer incrementally, so finding each record's line stays linear in the file. */
function lineCounter(buf: Uint8Array) {
  let pos = 0;
  let lines = 1;
  return (offset: number) => {
    for (; pos < offset; pos++) if (buf[pos] === NEWLINE) lines++;
    return lines;
  };
}

const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];
const startsWith = (buf: Uint8Array, bom: number[]) => bom.every((b, i) => buf[i] === b);

/**
 * The lines of a CSV that are not UTF-8, found before parsing: csv-parse decodes leniently, so a Latin-1
 * `café` would be stored as `caf\uFFFD` with nothing said. Each is its record's error (a bad header refuses
 * the file), as a JSONL line's is: the rest of the file is read, every bad line is named in one run, and
 * `--skip-invalid` keeps the good rows. A stray byte is never a comma, a quote or a newline, so the records
 * around it are cut where they would be anyway. A UTF-16LE BOM is what csv-parse does decode (Excel's
 * "Unicode text"); a big-endian one it does not, so that is named rather than reported as a stray byte.
 */
function badLines(buf: Uint8Array, path: string): TBadUtf8Line[] {
  if (startsWith(buf, UTF16LE_BOM)) return [];
  if (startsWith(buf, UTF16BE_BOM))
    throw new DatasetFileError(
      `${path}:1: UTF-16 big-endian is not supported (save the file as UTF-8)`,
      'NOT_UTF8',
    );
  return badUtf8Lines(buf);
}

const newlinesIn = (fields: string[]) => fields.reduce((n, f) => n + (f.split('\n').length - 1), 0);

/**
 * The records of a CSV buffer with a header, as `{ text, intent, split? }`, each with the line it starts on.
 * csv-parse's own `info.lines` counts a CRLF inside a quoted field twice, so lines are computed from the
 * byte offset where each record ends (`info.bytes`) less the newlines inside its fields.
 */
export async function* readCsv(
  buf: Uint8Array,
  path: string,
  columns: Required<Pick<TCsvColumns, 'textCol' | 'intentCol'>> & { splitCol?: string },
): AsyncGenerator<TRawRecord> {
  const bad = badLines(buf, path);
  let nextBad = 0;
  let recordStart = 0;
  /** The first bad line starting inside the record that ends at byte `end`, if any. */
  const badIn = (end: number) => {
    while (nextBad < bad.length && bad[nextBad]!.end < recordStart) nextBad++;
    const hit = bad[nextBad];
    return hit && hit.start < end ? hit : undefined;
  };
  const lineAt = lineCounter(buf);
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true });
  const chunks = Array.from({ length: Math.ceil(buf.length / CHUNK) }, (_, i) =>
    buf.subarray(i * CHUNK, (i + 1) * CHUNK),
  );
  Readable.from(chunks).pipe(parser);
  let header: string[] | undefined;
  let index = { text: -1, intent: -1, split: -1 };
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { bytes: number };
    }>) {
      const line = lineAt(Math.max(info.bytes - 1, 0)) - newlinesIn(record);
      const notUtf8 = badIn(info.bytes);
      recordStart = info.bytes;
      if (notUtf8 && !header)
        throw new DatasetFileError(`${path}:${notUtf8.line}: ${describeBadUtf8(notUtf8)}`, 'NOT_UTF8');
      if (!header) {
        header = record.map((h) => h.trim());
        index = {
          text: header.indexOf(columns.textCol),
          intent: header.indexOf(columns.intentCol),
          split: columns.splitCol ? header.indexOf(columns.splitCol) : -1,
        };
        for (const [what, name, i] of [
          ['text', columns.textCol, index.text],
          ['intent', columns.intentCol, index.intent],
        ] as const)
          if (i < 0)
            throw new DatasetFileError(
              `${path}:${line}: no column "${name}" for the ${what} (the header has: ${header.join(', ')})`,
              'MISSING_COLUMN',
            );
        continue;
      }
      if (notUtf8) {
        yield { line: notUtf8.line, bytesEnd: info.bytes, error: describeBadUtf8(notUtf8) };
        continue;
      }
      if (record.every((f) => f.trim() === '')) continue;
      if (record.length !== header.length) {
        yield {
          line,
          bytesEnd: info.bytes,
          error: `expected ${header.length} fields, found ${record.length}`,
        };
        continue;
      }
      const value: Record<string, string> = { text: record[index.text]!, intent: record[index.intent]! };
      if (index.split >= 0) value.split = record[index.split]!;
      yield { line, bytesEnd: info.bytes, value };
    }
  } catch (e) {
    if (e instanceof DatasetFileError) throw e;
    const err = e as { bytes?: number; lines?: number; message: string };
    const line = typeof err.bytes === 'number' ? lineAt(err.bytes) : (err.lines ?? 1);
    // A quote that does not close leaves the parser out of step with the rows: nothing after it is trusted.
    throw new DatasetFileError(`${path}:${line}: ${err.message.replace(/ at line \d+/, '')}`, 'MALFORMED');
  }
  if (!header) throw new DatasetFileError(`${path}: empty file (no CSV header)`, 'EMPTY');
}
