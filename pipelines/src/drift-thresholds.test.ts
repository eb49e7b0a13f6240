import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  driftBreaches,
  effectiveThresholds,
  psiNoiseFloor,
} from './drift-thresholds.ts';

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

describe('sampling noise', () => {
  it('raises a threshold to what chance alone exceeds once in a thousand windows', () => {
    // 31 intents, 178 reference rows, 191 live: χ²₀.₉₉₉(30) = 59.703 → 59.703·(1/178 + 1/191) = 0.6480
    expect(psiNoiseFloor(31, 178, 191, 0.001)).toBeCloseTo(0.648, 3);
    const small = {
      ...quiet,
      n: 191,
      intentPsi: 0.3,
      sampling: { referenceN: 178, categories: { intent: 31, confidence: 10, length: 11 } },
    };
    expect(driftBreaches(small)).toEqual([]);
    // The same PSI over large samples is a real shift: the floor falls below the configured 0.25.
    const large = { ...small, n: 20_000, sampling: { ...small.sampling, referenceN: 20_000 } };
    expect(effectiveThresholds(large).intentPsi).toBe(0.25);
    expect(driftBreaches(large).map((b) => b.metric)).toEqual(['intentPsi']);
  });
});
