import type { TEntityType } from './entities.ts';
import type { TCorpusExample } from './generate.ts';
import type { TSplit } from './split.ts';

export type TSplitCounts = Record<TSplit, number> & { total: number };

export type TCorpusStats = {
  total: TSplitCounts;
  /** In order of first appearance (taxonomy order for a generated corpus). */
  byIntent: Record<string, TSplitCounts>;
  entities: Partial<Record<TEntityType, number>>;
};

const empty = (): TSplitCounts => ({ train: 0, dev: 0, test: 0, total: 0 });

/** Rows per intent and split, and entity spans per type: what the CLI prints and a dataset page shows. */
export function corpusStats(examples: readonly TCorpusExample[]): TCorpusStats {
  const total = empty();
  const byIntent: Record<string, TSplitCounts> = {};
  const entities: Partial<Record<TEntityType, number>> = {};
  for (const example of examples) {
    const counts = byIntent[example.intent] ?? empty();
    byIntent[example.intent] = counts;
    counts[example.split]++;
    counts.total++;
    total[example.split]++;
    total.total++;
    for (const entity of example.entities) entities[entity.type] = (entities[entity.type] ?? 0) + 1;
  }
  return { total, byIntent, entities };
}
