import { Command } from 'commander';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('acsa').description('ACSA command line').exitOverride();
  program.command('version').action(() => console.log('acsa 0.1.0'));
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err && typeof err === 'object' && 'exitCode' in err) return Number(err.exitCode);
    throw err;
  }
}
