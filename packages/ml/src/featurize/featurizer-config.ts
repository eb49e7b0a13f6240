import { z } from 'zod';

/** Bump when normalisation, tokenisation, n-gram extraction or hashing changes: old bundles are refused. */
export const FEATURIZER_VERSION = 1;
/** Versions whose features this code reproduces exactly; a bundle with any other version is refused. */
export const SUPPORTED_FEATURIZER_VERSIONS: readonly number[] = [FEATURIZER_VERSION];

export const ZFeaturizerConfig = z.object({
  version: z.number().int().positive(),
  /** Hash buckets: the number of rows of the model's first (sparse) layer. */
  buckets: z.number().int().min(16),
  seed: z.number().int().nonnegative(),
  wordNgrams: z.number().int().min(1).max(3),
  /** Character n-grams inside word boundaries (`<word>`), min..max; max 0 turns them off. */
  charMin: z.number().int().min(1),
  charMax: z.number().int().min(0),
  /** Cap on distinct features per text, which bounds the ONNX input width and the latency. */
  maxFeatures: z.number().int().positive(),
});
export type TFeaturizerConfig = z.infer<typeof ZFeaturizerConfig>;

export function featurizerConfig(overrides: Partial<TFeaturizerConfig> = {}): TFeaturizerConfig {
  return ZFeaturizerConfig.parse({
    version: FEATURIZER_VERSION,
    buckets: 1 << 17,
    seed: 7,
    wordNgrams: 2,
    charMin: 2,
    charMax: 5,
    maxFeatures: 256,
    ...overrides,
  });
}
