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

describe('one intent’s share', () => {
  const ten = 'abcdefghij'.split('');
  const sampling = { referenceN: 2000, categories: { intent: 10, confidence: 10, length: 10 } };
  const window = (live: Record<string, number>, reference: Record<string, number>) => {
    const intents = Object.keys(reference).map((name) => ({
      name,
      reference: reference[name]!,
      live: live[name] ?? 0,
    }));
    return { ...quiet, n: intents.reduce((s, i) => s + i.live, 0), sampling, intents };
  };
  const even = Object.fromEntries(ten.map((k) => [k, 0.1]));

  it('alerts on one intent doubling, naming it with its reference and window shares', () => {
    const live = Object.fromEntries(ten.map((k) => [k, k === 'c' ? 600 : 266]));
    const breaches = driftBreaches(window(live, even));
    expect(breaches).toEqual([
      { metric: 'intentShare', intent: 'c', value: 600 / 2994, threshold: 0.1, p: expect.any(Number) },
    ]);
    expect(breaches[0]!.p).toBeLessThan(DEFAULT_DRIFT_THRESHOLDS.falseAlarmP);
    // The same shares over 150 messages are within what chance does (Holm over ten intents).
    const small = Object.fromEntries(ten.map((k) => [k, k === 'c' ? 30 : 13]));
    expect(driftBreaches(window(small, even))).toEqual([]);
  });

  it('keeps quiet on moves too small to act on, however significant', () => {
    // 50 % → 52 % over 100,000 messages: significant, but ×1.04.
    expect(driftBreaches(window({ a: 52_000, b: 48_000 }, { a: 0.5, b: 0.5 }))).toEqual([]);
    // 0.4 % → 0.9 %: ×2.25 and significant against a reference of 100,000 rows, but half a point.
    const rare = {
      ...window({ a: 900, b: 99_100 }, { a: 0.004, b: 0.996 }),
      sampling: { ...sampling, referenceN: 100_000 },
    };
    expect(driftBreaches(rare, { ...DEFAULT_DRIFT_THRESHOLDS, intentShareDifference: 0.01 })).toEqual([]);
    expect(
      driftBreaches(rare, { ...DEFAULT_DRIFT_THRESHOLDS, intentShareDifference: 0.004 }).map((b) => b.intent),
    ).toEqual(['a']);
  });
});
