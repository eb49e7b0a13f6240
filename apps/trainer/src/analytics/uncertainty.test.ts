import { describe, expect, it } from 'vitest';
import { entropyUncertainty, marginUncertainty } from './uncertainty.ts';

const top = (...ps: number[]) => ps.map((p, i) => ({ intent: `i${i}`, confidence: p }));

describe('uncertainty of a prediction', () => {
  it('ranks a near tie above a clear winner, by margin and by entropy', () => {
    const tie = top(0.41, 0.39, 0.1);
    const clear = top(0.95, 0.03, 0.01);
    expect(marginUncertainty(tie)).toBeCloseTo(0.98, 10);
    expect(marginUncertainty(clear)).toBeCloseTo(0.08, 10);
    expect(entropyUncertainty(tie)).toBeGreaterThan(entropyUncertainty(clear));
  });

  it('reads a single-intent top-k as its worst case and a certain one as zero', () => {
    expect(marginUncertainty(top(0.6))).toBeCloseTo(0.8, 10);
    expect(marginUncertainty(top(1))).toBe(0);
    expect(entropyUncertainty(top(1))).toBe(0);
    // four equally likely outcomes (three listed + the rest) → maximal entropy
    expect(entropyUncertainty(top(0.25, 0.25, 0.25))).toBeCloseTo(1, 10);
  });
});
