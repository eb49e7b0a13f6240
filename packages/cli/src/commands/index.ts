import type { Command } from 'commander';

/** Every command group registers itself here, one line each. */
export const commands: Array<(program: Command) => void> = [];
