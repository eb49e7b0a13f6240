import type { Command } from 'commander';
import { register as corpus } from './corpus.ts';
import { register as data } from './data.ts';
import { register as dlq } from './dlq.ts';
import { register as evalModel } from './eval.ts';
import { register as experiments } from './experiments.ts';
import { register as models } from './models.ts';
import { register as retrain } from './retrain.ts';
import { register as runs } from './runs.ts';
import { register as train } from './train.ts';
import { register as users } from './users.ts';

/** Every command group registers itself here, one line each. */
export const commands: Array<(program: Command) => void> = [
  corpus,
  data,
  train,
  evalModel,
  models,
  retrain,
  runs,
  dlq,
  experiments,
  users,
];
