import { describe, expect, it } from 'vitest';
import { decodeHashes, referenceStats, unknownTokenRate, vocabularyHashes } from './reference-stats.ts';

describe('reference statistics for drift', () => {
  const vocab = vocabularyHashes(['where is my order', 'cancel my order']);

  it('round-trips the hashed vocabulary through the manifest encoding', () => {
    const stats = referenceStats({ texts: [], predicted: [], confidence: [], vocabulary: vocab });
    expect(decodeHashes(stats.vocabularyHashes).size).toBe(5);
  });

  it('counts the share of words never seen in training', () => {
    // "where", "my" known; "is" known; "parcel", "today" unknown → 2 of 5.
    expect(unknownTokenRate(['where is my parcel today'], new Set(vocab))).toBeCloseTo(2 / 5);
  });

  it('records predicted-intent shares and confidence/length histograms', () => {
    const s = referenceStats({
      texts: ['a b', 'a b c d e'],
      predicted: ['x', 'y'],
      confidence: [0.95, 0.42],
      vocabulary: vocab,
    });
    expect(s.intentDistribution).toEqual({ x: 0.5, y: 0.5 });
    expect(s.confidenceHistogram.counts[9]).toBe(1);
    expect(s.confidenceHistogram.counts[4]).toBe(1);
    expect(s.lengthHistogram.counts.slice(0, 3)).toEqual([0, 1, 1]);
    expect(s.unknownTokenRate).toBe(1);
  });
});
