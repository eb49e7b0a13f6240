export { extractEntities, type TExtractOptions } from './extract-entities.ts';
export { createProductGazetteer, type ProductGazetteer, type TProductEntry } from './product-gazetteer.ts';
export { scoreSpans, type TSpanScores, type TTypeScore } from './score-spans.ts';
export { ENTITY_TYPES, type EntityType, type TEntity } from './types.ts';
