import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.ts';
import { commands } from './commands/index.ts';

/** Runs the CLI and returns the process exit code; errors print as one line naming what was wrong. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('acsa')
    .description('ACSA: the support agent and its MLOps platform')
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CliError) {
      console.error(`error: ${err.message}`);
      return err.exitCode;
    }
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
