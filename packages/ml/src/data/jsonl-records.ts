import { badUtf8In, describeBadUtf8 } from './utf8.ts';

/** A record of a file with the 1-based line it starts on, or why that line is not one. */
export type TRawRecord = { line: number; bytesEnd: number } & ({ value: unknown } | { error: string });

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The records of a JSON Lines buffer, one per non-blank line, numbered as an editor numbers them. A BOM
 * on the first line and CRLF endings are tolerated; a line that is not valid UTF-8 or not JSON is an error
 * of that line alone (with the parser's own words), so the rest can still be checked and reported in the
 * same run. `acsa data import`, `acsa train` and `acsa eval` all read files through this one reader.
 */
export function* readJsonlRecords(buf: Uint8Array): Generator<TRawRecord> {
  let start = 0;
  for (let line = 1; start < buf.length; line++) {
    let end = buf.indexOf(NEWLINE, start);
    if (end === -1) end = buf.length;
    const bytesEnd = Math.min(end + 1, buf.length);
    let text: string;
    try {
      // The decoder drops a leading BOM itself (ignoreBOM: false), on the first line or any other.
      text = utf8.decode(buf.subarray(start, end));
    } catch {
      const bad = badUtf8In(buf, line, start, end);
      yield { line, bytesEnd, error: bad ? describeBadUtf8(bad) : 'not valid UTF-8' };
      start = end + 1;
      continue;
    }
    start = end + 1;
    if (text.trim() === '') continue;
    try {
      yield { line, bytesEnd, value: JSON.parse(text) };
    } catch (e) {
      yield { line, bytesEnd, error: `invalid JSON (${(e as Error).message})` };
    }
  }
}
