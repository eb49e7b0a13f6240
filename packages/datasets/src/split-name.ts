import type { TSplit } from './types.ts';

const SPLIT_NAMES: Record<string, TSplit> = {
  train: 'train',
  dev: 'dev',
  val: 'dev',
  validation: 'dev',
  test: 'test',
};

/** The split a file names (case-insensitive; val/validation mean dev), or undefined for a name we do not know. */
export function parseSplitName(name: string): TSplit | undefined {
  return SPLIT_NAMES[name.trim().toLowerCase()];
}
