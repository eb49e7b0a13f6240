import { mkdtempSync, writeFileSync } from 'node:fs';
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
