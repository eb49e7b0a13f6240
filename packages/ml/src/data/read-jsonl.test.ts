import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetError } from './dataset-error.ts';
import { prepareSplits } from './prepare-splits.ts';
import { readLabeledJsonl } from './read-jsonl.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'acsa-ml-data-'));
const file = (name: string, lines: string[], prefix: Uint8Array = new Uint8Array()) => {
  const f = path.join(dir, name);
  writeFileSync(f, Buffer.concat([prefix, Buffer.from(lines.join('\n'))]));
  return f;
};
const jsonError = (text: string) => {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
};
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** `é` as Latin-1 and Windows-1252 write it: one byte, never valid UTF-8 before a quote. */
const LATIN1_E = Buffer.from([0xe9]);
const catchError = (f: () => unknown): DatasetError => {
  try {
    f();
  } catch (e) {
    return e as DatasetError;
  }
  throw new Error('did not throw');
};
const row = (text: string, intent: string, split?: string) => JSON.stringify({ text, intent, split });

describe('reading labeled JSONL', () => {
  it('refuses an empty file, naming it', () => {
    const f = file('empty.jsonl', ['', '  ']);
    expect(() => readLabeledJsonl(f)).toThrow(`${f}: no rows (empty file)`);
  });

  it('names the file and line of a row without text', () => {
    const f = file('notext.jsonl', [row('hi', 'greet'), JSON.stringify({ intent: 'greet' })]);
    expect(() => readLabeledJsonl(f)).toThrow(`${f}:2: text: is missing`);
  });

  it("names the line of invalid JSON with the parser's own words", () => {
    const f = file('bad.jsonl', [row('hi', 'greet'), '{oops']);
    expect(() => readLabeledJsonl(f)).toThrow(`${f}:2: invalid JSON (${jsonError('{oops')})`);
  });

  it('reads a file that starts with a UTF-8 BOM, and CRLF line ends', () => {
    const f = file('bom.jsonl', [`${row('hi there', 'greeting')}\r`, row('bye now', 'goodbye', 'Val')], BOM);
    expect(readLabeledJsonl(f).map((r) => [r.line, r.text, r.intent, r.split])).toEqual([
      [1, 'hi there', 'greeting', undefined],
      [2, 'bye now', 'goodbye', 'dev'],
    ]);
  });

  it('reports every bad row at once, each with its line: JSON, fields, split typos and bytes not UTF-8', () => {
    const f = file('many.jsonl', [
      row('hi', 'greet'),
      '{"text": "hello", "intent": }',
      row('train me', 'greet', 'training'),
      JSON.stringify({ text: 'x', intent: '' }),
      row('keep me out', 'greet', 'holdout'),
    ]);
    writeFileSync(
      f,
      Buffer.concat([
        readFileSync(f),
        Buffer.from('\n{"text": "caf'),
        LATIN1_E,
        Buffer.from('", "intent": "greet"}'),
      ]),
    );
    const err = catchError(() => readLabeledJsonl(f));
    expect(err.message.split('\n')).toEqual([
      `${f}:2: invalid JSON (${jsonError('{"text": "hello", "intent": }')})`,
      `${f}:3: split: unknown split "training" (use train, dev/val/validation or test)`,
      `${f}:4: intent: must not be empty`,
      `${f}:5: split: unknown split "holdout" (use train, dev/val/validation or test)`,
      `${f}:6: not valid UTF-8: byte 0xE9 at column 14 (save the file as UTF-8; from Latin-1 or Windows-1252, e.g. Excel's "CSV": iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8)`,
      `5 invalid rows in ${f}`,
    ]);
    expect(err.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('lists the first 50 bad rows and counts the rest', () => {
    const f = file(
      'fifty.jsonl',
      Array.from({ length: 60 }, (_, i) => row(`row ${i}`, 'greet', 'holdout')),
    );
    const err = catchError(() => readLabeledJsonl(f));
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(52);
    expect(lines[49]).toBe(`${f}:50: split: unknown split "holdout" (use train, dev/val/validation or test)`);
    expect(lines.slice(50)).toEqual(['… and 10 more invalid rows', `60 invalid rows in ${f}`]);
    expect(err.rows).toHaveLength(60);
  });

  it('refuses an intent with one training example, pointing at it', () => {
    const f = file('one.jsonl', [row('a', 'x'), row('b', 'x'), row('c', 'lonely')]);
    expect(() => prepareSplits(readLabeledJsonl(f), { seed: 1 })).toThrow(
      `${f}:3: intent "lonely" has only one training example`,
    );
  });

  it('holds out part of train as dev when there is no dev split, and treats val as dev', () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(`t${i}`, i % 2 ? 'a' : 'b'));
    const held = prepareSplits(readLabeledJsonl(file('nodev.jsonl', rows)), { seed: 1 });
    expect(held.devSource).toBe('held-out-train');
    expect(held.dev).toHaveLength(4);
    expect(held.train).toHaveLength(36);
    const val = prepareSplits(readLabeledJsonl(file('val.jsonl', [...rows, row('v', 'a', 'val')])), {
      seed: 1,
    });
    expect(val.devSource).toBe('dev');
    expect(val.dev.map((r) => r.text)).toEqual(['v']);
  });
});
