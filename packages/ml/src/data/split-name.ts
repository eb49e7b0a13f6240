/** The three splits a labelled file may name; `dev` drives early stopping and calibration. */
export type TSplitName = 'train' | 'dev' | 'test';

const SPLIT_NAMES: Record<string, TSplitName> = {
  train: 'train',
  dev: 'dev',
  val: 'dev',
  validation: 'dev',
  test: 'test',
};

/** The split a file names (case-insensitive; val/validation mean dev), or undefined for a name we do not know. */
export function parseSplitName(name: string): TSplitName | undefined {
  return SPLIT_NAMES[name.trim().toLowerCase()];
}

/** Why a split name is refused: a typo ("training", "holdout") would otherwise drop the row unseen. */
export const unknownSplitMessage = (name: string): string =>
  `split: unknown split ${JSON.stringify(name)} (use train, dev/val/validation or test)`;
