import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../cli-error.ts';
import { register } from './corpus.ts';

const dir = await mkdtemp(join(tmpdir(), 'acsa-corpus-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<string[]> {
  const program = new Command('acsa').exitOverride();
  register(program);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await program.parseAsync(['node', 'acsa', 'corpus', ...args]);
    return log.mock.calls.map((call) => String(call[0]));
  } finally {
    log.mockRestore();
  }
}

describe('acsa corpus', () => {
  it('writes one JSON row per line and reports the counts as JSON', async () => {
    const out = join(dir, 'nested', 'corpus.jsonl');
    const printed = await run('--out', out, '--per-intent', '150', '--seed', '3', '--json');
    const rows = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(31 * 150);
    expect(Object.keys(rows[0])).toEqual(['text', 'intent', 'entities', 'split']);
    const summary = JSON.parse(printed.at(-1) ?? '');
    expect(summary.total.total).toBe(rows.length);
    expect(summary.byIntent.out_of_scope.total).toBe(150);
    expect(
      summary.byIntent.greeting.train + summary.byIntent.greeting.dev + summary.byIntent.greeting.test,
    ).toBe(150);
  });

  it('prints a table a person can read', async () => {
    const [table] = await run('--out', join(dir, 'table.jsonl'), '--per-intent', '150');
    expect(table).toMatch(/^intent\s+train\s+dev\s+test\s+total$/m);
    expect(table).toMatch(/^cancel_order\s+\d+\s+\d+\s+\d+\s+150$/m);
    expect(table).toMatch(/^all\s+\d+\s+\d+\s+\d+\s+4650$/m);
  });

  it('refuses a per-intent count that is not a positive integer', async () => {
    await expect(run('--out', join(dir, 'x.jsonl'), '--per-intent', '0')).rejects.toThrow(CliError);
    await expect(run('--out', join(dir, 'x.jsonl'), '--per-intent', 'many')).rejects.toThrow(/--per-intent/);
  });
});
