import { isUtf8 } from 'node:buffer';

const NEWLINE = 0x0a;

/**
 * Where the first byte of `buf[start, end)` that is not UTF-8 is, or -1 when every byte is. The platform's
 * fatal decoder decides (so "invalid" means exactly what decoding rejects), fed a byte at a time because it
 * says only that, not where: an error is charged to the start of the sequence it interrupted. Only called
 * on a line already known to be bad, so the slow byte-wise walk never runs over a whole good file.
 */
function firstBadByte(buf: Uint8Array, start: number, end: number): number {
  // ignoreBOM: a BOM is output like any character, so a sequence pending after it is not mistaken for one.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let pending = -1;
  for (let i = start; i < end; i++) {
    try {
      const out = decoder.decode(buf.subarray(i, i + 1), { stream: true });
      if (out === '') pending = pending < 0 ? i : pending;
      else pending = -1;
    } catch {
      return pending < 0 ? i : pending;
    }
  }
  try {
    decoder.decode();
  } catch {
    return pending;
  }
  return -1;
}

export type TBadUtf8 = { line: number; column: number; byte: number };
/** A line that is not UTF-8, with the bytes it spans in its buffer (`start` to `end`, its newline excluded). */
export type TBadUtf8Line = TBadUtf8 & { start: number; end: number };

/**
 * Why `buf[start, end)` (one line, numbered `line`) is not UTF-8, phrased for the person who has the file,
 * or undefined when it is. The column counts characters, as an editor does.
 */
export function badUtf8In(buf: Uint8Array, line: number, start = 0, end = buf.length): TBadUtf8 | undefined {
  if (isUtf8(buf.subarray(start, end))) return undefined;
  const at = firstBadByte(buf, start, end);
  if (at < 0) return undefined;
  // A leading BOM is dropped (ignoreBOM: false): editors do not show it as a column.
  const before = new TextDecoder('utf-8', { ignoreBOM: false }).decode(buf.subarray(start, at));
  return { line, column: [...before].length + 1, byte: buf[at]! };
}

/**
 * Every line of a whole buffer that is not UTF-8, in order, each with the bytes it spans (`start` to `end`,
 * its newline excluded): a newline byte is never part of a multi-byte character, so lines are cut first.
 */
export function badUtf8Lines(buf: Uint8Array): TBadUtf8Line[] {
  if (isUtf8(buf)) return [];
  const found: TBadUtf8Line[] = [];
  let start = 0;
  for (let line = 1; start < buf.length; line++) {
    let end = buf.indexOf(NEWLINE, start);
    if (end === -1) end = buf.length;
    const bad = badUtf8In(buf, line, start, end);
    if (bad) found.push({ ...bad, start, end });
    start = end + 1;
  }
  return found;
}

/** The first line of a whole buffer that is not UTF-8. */
export function firstBadUtf8(buf: Uint8Array): TBadUtf8 | undefined {
  const [bad] = badUtf8Lines(buf);
  return bad && { line: bad.line, column: bad.column, byte: bad.byte };
}

/** The row or file error for bytes that are not UTF-8, with the conversion that most often fixes it. */
export function describeBadUtf8(bad: TBadUtf8): string {
  const hex = bad.byte.toString(16).toUpperCase().padStart(2, '0');
  return (
    `not valid UTF-8: byte 0x${hex} at column ${bad.column} (save the file as UTF-8; ` +
    'from Latin-1 or Windows-1252, e.g. Excel\'s "CSV": iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8)'
  );
}
