import type { TCounts, TSplit } from './types.ts';

export const emptyCounts = (): TCounts => ({ total: 0, train: 0, dev: 0, test: 0, intents: {} });

export function addToCounts(counts: TCounts, row: { intent: string; split: TSplit }): void {
  counts.total++;
  counts[row.split]++;
  counts.intents[row.intent] = (counts.intents[row.intent] ?? 0) + 1;
}
