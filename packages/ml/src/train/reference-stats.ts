import type { TReferenceStats } from '../bundle/manifest.ts';
import { fnv1a } from '../featurize/hash.ts';
import { normalizeText, tokenize } from '../featurize/normalize.ts';
import { histogram } from '../metrics/drift.ts';

export const CONFIDENCE_EDGES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
export const LENGTH_EDGES = [0, 2, 4, 6, 8, 10, 12, 16, 20, 30, 50, 1e9];

export const wordsOf = (text: string): string[] => tokenize(normalizeText(text));

/** The vocabulary as a sorted set of 32-bit token hashes: compact in a manifest, enough to count unknowns. */
export function vocabularyHashes(texts: Iterable<string>): Uint32Array {
  const set = new Set<number>();
  for (const t of texts) for (const w of wordsOf(t)) set.add(fnv1a(w));
  return Uint32Array.from(set).sort();
}

export function encodeHashes(h: Uint32Array): string {
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('base64');
}

export function decodeHashes(b64: string): Set<number> {
  const buf = Buffer.from(b64, 'base64');
  return new Set(new Uint32Array(buf.buffer, buf.byteOffset, Math.floor(buf.byteLength / 4)));
}

/** Share of word tokens whose hash is not in the training vocabulary. */
export function unknownTokenRate(texts: Iterable<string>, vocabulary: Set<number>): number {
  let total = 0;
  let unknown = 0;
  for (const t of texts) {
    for (const w of wordsOf(t)) {
      total++;
      if (!vocabulary.has(fnv1a(w))) unknown++;
    }
  }
  return total ? unknown / total : 0;
}

/** Reference statistics over a split: predicted-intent shares, confidence and length histograms, unknowns. */
export function referenceStats(opts: {
  texts: readonly string[];
  predicted: readonly string[];
  confidence: readonly number[];
  vocabulary: Uint32Array;
}): TReferenceStats {
  const dist: Record<string, number> = {};
  for (const p of opts.predicted) dist[p] = (dist[p] ?? 0) + 1 / Math.max(1, opts.predicted.length);
  return {
    intentDistribution: dist,
    confidenceHistogram: histogram(opts.confidence, CONFIDENCE_EDGES),
    lengthHistogram: histogram(
      opts.texts.map((t) => wordsOf(t).length),
      LENGTH_EDGES,
    ),
    unknownTokenRate: unknownTokenRate(opts.texts, new Set(opts.vocabulary)),
    vocabularyHashes: encodeHashes(opts.vocabulary),
  };
}
