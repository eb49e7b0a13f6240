import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareSplits } from './prepare-splits.ts';
import { readLabeledJsonl } from './read-jsonl.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'acsa-ml-data-'));
const file = (name: string, lines: string[]) => {
  const f = path.join(dir, name);
  writeFileSync(f, lines.join('\n'));
  return f;
};
const row = (text: string, intent: string, split?: string) => JSON.stringify({ text, intent, split });

describe('reading labeled JSONL', () => {
  it('refuses an empty file, naming it', () => {
    const f = file('empty.jsonl', ['', '  ']);
    expect(() => readLabeledJsonl(f)).toThrow(`${f}: no rows (empty file)`);
  });

  it('names the file and line of a row without text', () => {
    const f = file('notext.jsonl', [row('hi', 'greet'), JSON.stringify({ intent: 'greet' })]);
    expect(() => readLabeledJsonl(f)).toThrow(new RegExp(`^${f}:2: "text" is missing`));
  });

  it('names the line of invalid JSON', () => {
    const f = file('bad.jsonl', [row('hi', 'greet'), '{oops']);
    expect(() => readLabeledJsonl(f)).toThrow(`${f}:2: not valid JSON`);
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
