import type { TFeaturizerConfig } from './featurizer-config.ts';
import { fnv1a } from './hash.ts';
import { normalizeText, tokenize } from './normalize.ts';

/** A sparse bag: distinct bucket ids and their weights (L2-normalised counts), same length. */
export type TFeatures = { ids: Int32Array; weights: Float32Array; tokens: string[] };

/**
 * Word 1..n-grams and in-word character n-grams hashed into `buckets`, weighted by count and L2-normalised
 * so long and short messages land on the same scale. The exact same function runs in training and in serving.
 */
export function featurize(text: string, cfg: TFeaturizerConfig): TFeatures {
  const tokens = tokenize(normalizeText(text));
  const counts = new Map<number, number>();
  const add = (key: string) => {
    const id = fnv1a(key, cfg.seed) % cfg.buckets;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  const padded = ['<s>', ...tokens, '</s>'];
  for (let n = 1; n <= cfg.wordNgrams; n++) {
    for (let i = 0; i + n <= padded.length; i++) {
      if (n === 1 && (i === 0 || i === padded.length - 1)) continue;
      add(`w${n}|${padded.slice(i, i + n).join(' ')}`);
    }
  }
  if (cfg.charMax > 0) {
    for (const tok of tokens) {
      const w = `<${tok}>`;
      for (let n = cfg.charMin; n <= cfg.charMax; n++) {
        for (let i = 0; i + n <= w.length; i++) add(`c|${w.slice(i, i + n)}`);
      }
    }
  }
  let entries = [...counts.entries()];
  // Keep the most frequent features when a text is very long; ties broken by id so the cut is deterministic.
  if (entries.length > cfg.maxFeatures) {
    entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    entries = entries.slice(0, cfg.maxFeatures);
  }
  entries.sort((a, b) => a[0] - b[0]);
  const ids = new Int32Array(entries.length);
  const weights = new Float32Array(entries.length);
  let norm = 0;
  for (const [, c] of entries) norm += c * c;
  norm = Math.sqrt(norm) || 1;
  entries.forEach(([id, c], i) => {
    ids[i] = id;
    weights[i] = c / norm;
  });
  return { ids, weights, tokens };
}
