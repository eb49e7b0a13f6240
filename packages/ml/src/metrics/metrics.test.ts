import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, fitTemperature } from './calibration.ts';
import { accuracy, macroF1, perIntentScores } from './classification.ts';
import { histogram, jensenShannon, percentile, psi } from './drift.ts';
import { bestAtRecall, oosCurve, oosScores } from './out-of-scope.ts';

const isOos = (i: string) => i === 'oos';

describe('classification metrics', () => {
  const gold = ['a', 'a', 'a', 'b', 'b', 'c'];
  const pred = ['a', 'a', 'b', 'b', 'c', 'c'];
  it('computes accuracy and per-intent precision/recall', () => {
    expect(accuracy(gold, pred)).toBeCloseTo(4 / 6);
    const s = Object.fromEntries(perIntentScores(gold, pred).map((x) => [x.intent, x]));
    expect(s.a).toMatchObject({ precision: 1, recall: 2 / 3, support: 3 });
    expect(s.b!.precision).toBeCloseTo(0.5);
    expect(s.b!.recall).toBeCloseTo(0.5);
    expect(s.c!.precision).toBeCloseTo(0.5);
    expect(s.c!.recall).toBe(1);
  });
  it('averages F1 over intents (macro)', () => {
    // F1: a = 0.8, b = 0.5, c = 2/3.
    expect(macroF1(perIntentScores(gold, pred))).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3);
  });
});

describe('calibration', () => {
  it('computes ECE by confidence bins', () => {
    // Bin [0.9,1): conf 0.95 ×2, 1 correct → |0.5−0.95| · 2/4; bin [0.6,0.7): 0.6 ×2, both correct → 0.4 · 2/4.
    const ece = expectedCalibrationError([0.95, 0.95, 0.6, 0.6], [true, false, true, true], 10);
    expect(ece).toBeCloseTo(0.45 * 0.5 + 0.4 * 0.5);
  });
  it('fits a temperature above 1 for an over-confident model', () => {
    // Logit gap 10 but only 70 % right: the fitted T must soften it to p ≈ 0.7, i.e. 10/T = ln(0.7/0.3).
    const logits = Array.from({ length: 10 }, () => Float32Array.of(10, 0));
    const labels = Int32Array.from({ length: 10 }, (_, i) => (i < 7 ? 0 : 1));
    expect(fitTemperature(logits, labels)).toBeCloseTo(10 / Math.log(7 / 3), 2);
  });
});

describe('out-of-scope metrics', () => {
  it('scores in-scope accuracy and out-of-scope recall/precision', () => {
    const s = oosScores(['a', 'b', 'oos', 'oos'], ['a', 'oos', 'oos', 'a'], isOos);
    expect(s).toEqual({ inScopeAccuracy: 0.5, oosRecall: 0.5, oosPrecision: 0.5 });
  });
  it('finds the best in-scope accuracy at a recall floor', () => {
    const rows = [
      { gold: 'a', top: 'a', confidence: 0.9 },
      { gold: 'b', top: 'b', confidence: 0.4 },
      { gold: 'oos', top: 'a', confidence: 0.3 },
      { gold: 'oos', top: 'b', confidence: 0.5 },
    ];
    const best = bestAtRecall(oosCurve(rows, isOos, 'oos'), 0.5);
    expect(best).toMatchObject({ threshold: 0.4, inScopeAccuracy: 1, oosRecall: 0.5 });
  });
});

describe('drift statistics', () => {
  it('is zero for identical distributions and grows with the shift', () => {
    expect(psi([10, 20, 30], [10, 20, 30])).toBeCloseTo(0);
    // Hand value: (0.2−0.5)·ln(0.2/0.5) + (0.8−0.5)·ln(0.8/0.5) ≈ 0.416; half a count a bin (Jeffreys)
    // makes the live shares 20.5/101 and 80.5/101: 0.406.
    expect(psi([50, 50], [20, 80])).toBeCloseTo(0.406, 3);
    expect(psi([5_000, 5_000], [2_000, 8_000])).toBeCloseTo(0.416, 3);
    expect(jensenShannon([1e6, 0], [0, 1e6])).toBeCloseTo(1, 4);
    expect(jensenShannon([1, 1], [1, 1])).toBeCloseTo(0);
  });
  it('weighs a bin a small window missed by what the window can tell, not by a fixed floor', () => {
    // A 3 % share absent from 100 turns: 0.5/(100 + 1) ≈ 0.5 %, so (0.03 − 0.005)·ln(0.03/0.005) ≈ 0.045
    // (a 1e-4 floor gave 0.03·ln(0.03/1e-4) ≈ 0.17, enough to alert on noise).
    expect(psi([300, 9_700], [0, 100])).toBeCloseTo(0.045, 2);
    // The same miss over 10 000 turns is real evidence.
    expect(psi([300, 9_700], [0, 10_000])).toBeGreaterThan(0.15);
  });
  it('bins values and takes percentiles', () => {
    expect(histogram([0, 0.5, 1, 2, 5], [0, 1, 2, 3]).counts).toEqual([2, 1, 2]);
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 0.99)).toBe(100);
  });
});
