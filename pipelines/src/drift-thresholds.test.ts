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

describe('Kolmogorov–Smirnov breaches', () => {
  const ks = (d: number, n1: number, n2: number) => ({ d, p: 0.5, n1, n2 });

  it('alerts only on a D over both its critical value at falseAlarmP and the configured minimum', () => {
    // 178 reference rows, 191 live: critical D = 1.94947·√(1/178 + 1/191) = .2031, over the 0.1 minimum.
    const small = { ...quiet, n: 191 };
    expect(
      effectiveThresholds({ ...small, ks: { confidence: ks(0, 178, 191), length: ks(0, 178, 191) } }),
    ).toMatchObject({ confidenceKs: expect.closeTo(0.2031, 4), lengthKs: expect.closeTo(0.2031, 4) });
    expect(
      driftBreaches({ ...small, ks: { confidence: ks(0.18, 178, 191), length: ks(0.25, 178, 191) } }),
    ).toEqual([{ metric: 'lengthKs', value: 0.25, threshold: expect.closeTo(0.2031, 4) }]);
    // Over 20,000 messages each D = 0.05 is significant (critical .0195) but too small a shift to act on.
    const large = { ...quiet, n: 20_000 };
    expect(
      driftBreaches({
        ...large,
        ks: { confidence: ks(0.05, 20_000, 20_000), length: ks(0.12, 20_000, 20_000) },
      }),
    ).toEqual([{ metric: 'lengthKs', value: 0.12, threshold: 0.1 }]);
  });

  it('leaves reports without KS figures (older ones) as they were', () => {
    expect(driftBreaches(quiet)).toEqual([]);
    expect(effectiveThresholds(quiet)).toMatchObject({ confidenceKs: 0.1, lengthKs: 0.1 });
  });
});
