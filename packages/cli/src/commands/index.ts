import type { Command } from 'commander';
import { register as corpus } from './corpus.ts';
import { register as data } from './data.ts';
import { register as evalModel } from './eval.ts';
import { register as train } from './train.ts';

/** Every command group registers itself here, one line each. */
export const commands: Array<(program: Command) => void> = [corpus, data, train, evalModel];
