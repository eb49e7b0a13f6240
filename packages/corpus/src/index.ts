export { ENTITY_SHAPES, ENTITY_TYPES, type TEntity, type TEntityType } from './entities.ts';
export {
  DEFAULT_PER_INTENT,
  DEFAULT_SEED,
  generateCorpus,
  type TCorpusExample,
  type TCorpusOptions,
} from './generate.ts';
export {
  INTENT_NAMES,
  INTENTS,
  intentInfo,
  isIntentName,
  type TIntentInfo,
  type TIntentName,
} from './intents.ts';
export { DEFAULT_PRODUCT_NAMES } from './products.ts';
export { normalizeKey, splitOf, type TSplit } from './split.ts';
export { corpusStats, type TCorpusStats, type TSplitCounts } from './stats.ts';
