import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.ts';
import { register as registerEval } from './eval.ts';
import { register as registerTrain } from './train.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'acsa-cli-ml-'));

async function run(...args: string[]): Promise<void> {
  const program = new Command('acsa').exitOverride();
  registerTrain(program);
  registerEval(program);
  await program.parseAsync(['node', 'acsa', ...args]);
}

describe('acsa train / eval on bad input', () => {
  it('names an empty data file', async () => {
    const f = path.join(dir, 'empty.jsonl');
    writeFileSync(f, '');
    const err = run('train', '--data', f, '--out', path.join(dir, 'out'), '--json');
    await expect(err).rejects.toThrow(CliError);
    await expect(err).rejects.toThrow(`${f}: no rows (empty file)`);
  });

  it('names the file and line of a row without text', async () => {
    const f = path.join(dir, 'notext.jsonl');
    writeFileSync(f, `${JSON.stringify({ text: 'hi', intent: 'a' })}\n${JSON.stringify({ intent: 'a' })}\n`);
    await expect(run('train', '--data', f, '--out', path.join(dir, 'out'), '--json')).rejects.toThrow(
      new RegExp(`^${f}:2: "text" is missing`),
    );
  });

  it('refuses a directory that is not a model bundle', async () => {
    await expect(run('eval', '--model', dir, '--data', path.join(dir, 'x.jsonl'), '--json')).rejects.toThrow(
      `${path.join(dir, 'manifest.json')}: not a model bundle`,
    );
  });
});

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** Runs the installed CLI as a person would: its exit code and what it printed on stderr. */
function acsa(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['packages/cli/bin/acsa.mjs', ...args], { cwd: ROOT }, (error, _out, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

function file(name: string, rows: object[]): string {
  const f = path.join(dir, name);
  writeFileSync(f, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return f;
}

describe('acsa train / eval on bad input, run as a command', () => {
  const out = path.join(dir, 'never-written');
  const cases: [string, () => string[], (f: string) => string][] = [
    [
      'an empty file',
      () => ['train', '--data', file('empty2.jsonl', []), '--out', out],
      (f) => `${f}: no rows`,
    ],
    [
      'a label with one example',
      () => [
        'train',
        '--data',
        file('single.jsonl', [
          { text: 'where is my order', intent: 'track_order' },
          { text: 'track my parcel', intent: 'track_order' },
          { text: 'cancel it please', intent: 'cancel_order' },
        ]),
        '--out',
        out,
      ],
      (f) => `${f}:3: intent "cancel_order" has only one training example`,
    ],
    [
      'a row without text',
      () => [
        'train',
        '--data',
        file('notext2.jsonl', [{ text: 'hi', intent: 'a' }, { intent: 'a' }]),
        '--out',
        out,
      ],
      (f) => `${f}:2: "text" is missing`,
    ],
    [
      'an unknown --split',
      () => {
        const bundle = path.join(dir, 'bundle');
        mkdirSync(bundle, { recursive: true });
        writeFileSync(path.join(bundle, 'manifest.json'), '{}');
        const data = file('splits.jsonl', [
          { text: 'where is my order', intent: 'track_order', split: 'train' },
          { text: 'my parcel?', intent: 'track_order', split: 'test' },
        ]);
        return ['eval', '--model', bundle, '--data', data, '--split', 'validaton'];
      },
      (f) => `${f}: no rows with split "validaton" (splits here: test, train)`,
    ],
  ];
  it.each(cases)('%s: exit code 1 and one line naming the file', async (_what, args, message) => {
    const argv = args();
    const { code, stderr } = await acsa(...argv);
    expect(code).toBe(1);
    const data = argv[argv.indexOf('--data') + 1]!;
    const lines = stderr.split('\n').filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message(data));
  });
});
