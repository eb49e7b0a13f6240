import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.ts';
import { register as registerEval } from './eval.ts';
import { register as registerTrain } from './train.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'acsa-cli-ml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
      `${f}:2: text: is missing`,
    );
  });

  it('refuses a directory that is not a model bundle', async () => {
    await expect(run('eval', '--model', dir, '--data', path.join(dir, 'x.jsonl'), '--json')).rejects.toThrow(
      `${path.join(dir, 'manifest.json')}: not a model bundle`,
    );
  });
});

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** Runs the installed CLI as a person would: its exit code and what it printed. */
function acsa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return acsaWith([], ...args);
}

/** The same with options for node itself (e.g. a smaller heap). */
function acsaWith(
  nodeOptions: string[],
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...nodeOptions, 'packages/cli/bin/acsa.mjs', ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

function file(name: string, rows: object[]): string {
  const f = path.join(dir, name);
  writeFileSync(f, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return f;
}

/** The same rows after a UTF-8 byte order mark, as Windows editors save them. */
function bom(name: string, rows: object[]): string {
  const f = file(name, rows);
  writeFileSync(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(f)]));
  return f;
}

/** A directory eval takes for a bundle until it loads it: data is read and checked before that. */
function fakeBundle(): string {
  const bundle = path.join(dir, 'bundle');
  mkdirSync(bundle, { recursive: true });
  writeFileSync(path.join(bundle, 'manifest.json'), '{}');
  return bundle;
}

const single = [
  { text: 'where is my order', intent: 'track_order' },
  { text: 'track my parcel', intent: 'track_order' },
  { text: 'cancel it please', intent: 'cancel_order' },
];

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
      () => ['train', '--data', file('single.jsonl', single), '--out', out],
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
      (f) => `${f}:2: text: is missing`,
    ],
    [
      'a file with a UTF-8 BOM, read past it to the data itself',
      () => ['train', '--data', bom('bom-train.jsonl', single), '--out', out],
      (f) => `${f}:3: intent "cancel_order" has only one training example`,
    ],
    [
      'an unknown --split',
      () => {
        const bundle = fakeBundle();
        const data = file('splits.jsonl', [
          { text: 'where is my order', intent: 'track_order', split: 'train' },
          { text: 'my parcel?', intent: 'track_order', split: 'test' },
        ]);
        return ['eval', '--model', bundle, '--data', data, '--split', 'validaton'];
      },
      (f) => `${f}: no rows with split "validaton" (splits here: test, train)`,
    ],
    [
      'an eval file with a UTF-8 BOM, read past it',
      () => [
        'eval',
        '--model',
        fakeBundle(),
        '--data',
        bom('bom-eval.jsonl', [
          { text: 'where is my order', intent: 'track_order', split: 'train' },
          { text: 'my parcel?', intent: 'track_order', split: 'test' },
        ]),
        '--split',
        'dev',
      ],
      (f) => `${f}: no rows with split "dev" (splits here: test, train)`,
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

  it("lists every bad row of a train or eval file, split typos included, with the parser's words", async () => {
    const f = path.join(dir, 'several.jsonl');
    writeFileSync(
      f,
      [
        JSON.stringify({ text: 'where is my order', intent: 'track_order', split: 'training' }),
        '{"text": "cancel it", "intent": "cancel_order",}',
        JSON.stringify({ text: 'hold me out', intent: 'track_order', split: 'holdout' }),
        JSON.stringify({ text: 'fine', intent: 'track_order' }),
      ].join('\n'),
    );
    let parserSays = '';
    try {
      JSON.parse('{"text": "cancel it", "intent": "cancel_order",}');
    } catch (e) {
      parserSays = (e as Error).message;
    }
    const expected = [
      `error: ${f}:1: split: unknown split "training" (use train, dev/val/validation or test)`,
      `${f}:2: invalid JSON (${parserSays})`,
      `${f}:3: split: unknown split "holdout" (use train, dev/val/validation or test)`,
      `3 invalid rows in ${f}`,
    ];
    for (const argv of [
      ['train', '--data', f, '--out', out],
      ['eval', '--model', fakeBundle(), '--data', f],
    ]) {
      const { code, stderr } = await acsa(...argv);
      expect(code).toBe(1);
      expect(stderr.split('\n').filter((l) => l.trim())).toEqual(expected);
    }
  }, 30_000);
});

/** The length of the longest array anywhere in a parsed JSON value. */
function longestArray(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(longestArray));
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(longestArray));
  return 0;
}

describe('acsa train --json, run as a command', () => {
  it('prints the run summary only: bundle paths, metrics, sizes and timings, never the weights', async () => {
    const phrases: Record<string, string[]> = {
      track_order: ['where is my order', 'track my parcel', 'when will my package arrive', 'has it shipped'],
      cancel_order: ['cancel my order', 'i want to cancel', 'please cancel it', 'stop my order'],
      request_refund: [
        'i want a refund',
        'money back please',
        'refund my purchase',
        'return it for a refund',
      ],
    };
    const rows = Object.entries(phrases).flatMap(([intent, texts]) =>
      Array.from({ length: 8 }, (_, i) => texts.map((t) => ({ text: `${t} ${i}`, intent }))).flat(),
    );
    const data = file('three-intents.jsonl', rows);
    const out = path.join(dir, 'bundles');
    // The default models hold ~100 M weights however few the rows (hashed buckets × width). Training and
    // export fit a 512 MB heap; printing the weights does not: --json used to die here, out of memory.
    const { code, stdout, stderr } = await acsaWith(
      ['--max-old-space-size=512'],
      'train',
      '--data',
      data,
      '--out',
      out,
      '--json',
    );
    expect(code, stderr.slice(0, 2000)).toBe(0);
    expect(stdout.length).toBeLessThan(64 * 1024);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ seed: 1, labels: 3, seconds: { total: expect.any(Number) } });
    expect(summary.trainRows + summary.devRows).toBe(rows.length);
    expect(summary.bundles.map((b: { variant: string }) => b.variant)).toEqual([
      'teacher',
      'student',
      'student-int8',
    ]);
    for (const b of summary.bundles) {
      expect(b.dir).toBe(path.join(out, b.variant));
      expect(statSync(path.join(b.dir, 'model.onnx')).size).toBe(b.sizeBytes);
      expect(b.dev).toMatchObject({ n: summary.devRows, accuracy: expect.any(Number) });
    }
    expect(Object.keys(summary)).not.toContain('models');
    expect(longestArray(summary)).toBeLessThanOrEqual(3);
  }, 180_000);
});
