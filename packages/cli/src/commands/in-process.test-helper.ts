import { Command } from 'commander';
import { vi } from 'vitest';

/**
 * For tests: a program with the given commands registered, and `acsa …` run in it in-process, returning what
 * it printed on stdout. Its stderr is kept quiet; a failure rejects with the command's error.
 */
export function cliInProcess(...registers: ((program: Command) => void)[]) {
  return async function acsa(...args: string[]): Promise<string> {
    const program = new Command('acsa').exitOverride();
    for (const r of registers) r(program);
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await program.parseAsync(['node', 'acsa', ...args]);
      return out.join('\n');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  };
}
