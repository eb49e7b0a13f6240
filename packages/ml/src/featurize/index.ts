export { featurize, type TFeatures } from './featurize.ts';
export {
  FEATURIZER_VERSION,
  featurizerConfig,
  type TFeaturizerConfig,
  ZFeaturizerConfig,
} from './featurizer-config.ts';
export { fnv1a } from './hash.ts';
export { normalizeText, tokenize } from './normalize.ts';
export { padBatch, type TPaddedBatch } from './pad-batch.ts';
