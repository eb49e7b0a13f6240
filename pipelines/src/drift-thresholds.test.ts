import { describe, expect, it } from 'vitest';
import { DEFAULT_DRIFT_THRESHOLDS, driftBreaches } from './drift-thresholds.ts';

const quiet = {
  n: 500,
  intentPsi: 0.05,
  intentJs: 0.01,
  confidencePsi: 0.04,
  lengthPsi: 0.02,
  unknownTokenRate: 0.04,
  referenceUnknownTokenRate: 0.02,
};

describe('drift thresholds', () => {
  it('names every figure over its threshold, the unknown-token rate relative to the reference', () => {
    expect(driftBreaches(quiet)).toEqual([]);
    const shifted = { ...quiet, intentPsi: 0.9, unknownTokenRate: 0.2 };
    expect(driftBreaches(shifted)).toEqual([
      { metric: 'intentPsi', value: 0.9, threshold: 0.25 },
      { metric: 'unknownTokenRate', value: 0.2, threshold: expect.closeTo(0.17, 10) },
    ]);
  });

  it('never alerts on a window too small to judge', () => {
    const tiny = { ...quiet, n: DEFAULT_DRIFT_THRESHOLDS.minMessages - 1, intentPsi: 5 };
    expect(driftBreaches(tiny)).toEqual([]);
  });
});
