import { describe, expect, it } from 'vitest';
import { cohensKappa, krippendorffAlpha, specificAgreement } from './agreement-stats.ts';

// Hand-worked: two reviewers, ten turns, intents A and B.
//              r2 A   r2 B
//   r1 A        4      2      (6)
//   r1 B        1      3      (4)
//              (5)    (5)
// p_o = 7/10 = 0.7; p_e = 0.6·0.5 + 0.4·0.5 = 0.5; κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
// α: coincidences o_AA = 8, o_BB = 6, o_AB = o_BA = 3; n = 20, n_A = 11, n_B = 9;
//    α = 1 − 19 · 6 / (2 · 11 · 9) = 1 − 114/198 = 0.42424…
const table = (aa: number, ab: number, ba: number, bb: number) =>
  [
    ...Array(aa).fill(['A', 'A']),
    ...Array(ab).fill(['A', 'B']),
    ...Array(ba).fill(['B', 'A']),
    ...Array(bb).fill(['B', 'B']),
  ] as [string, string][];

describe('agreement statistics', () => {
  it("Cohen's κ matches the hand-worked example, and the nine-item table before it", () => {
    expect(cohensKappa(table(4, 2, 1, 3))).toBeCloseTo(0.4, 10);
    // Before the tenth turn (4, 1, 1, 3): p_o = 7/9, p_e = 41/81, κ = 22/40 = 0.55.
    expect(cohensKappa(table(4, 1, 1, 3))).toBeCloseTo(0.55, 10);
    expect(cohensKappa(table(5, 0, 0, 5))).toBe(1);
    expect(cohensKappa([])).toBeNull();
    expect(cohensKappa(table(3, 0, 0, 0))).toBeNull();
  });

  it("Krippendorff's α (nominal) matches the hand-worked example and ignores single-label units", () => {
    expect(krippendorffAlpha([...table(4, 2, 1, 3), ['A']])).toBeCloseTo(1 - 114 / 198, 10);
    expect(
      krippendorffAlpha([
        ['A', 'A', 'A'],
        ['B', 'B'],
      ]),
    ).toBe(1);
    expect(krippendorffAlpha([['A']])).toBeNull();
    // Units of three labels weigh each disagreeing pair 1/(m − 1): o_AB + o_BA = 2 + 2, n = 5,
    // n_A = 3, n_B = 2: α = 1 − 4 · 4 / (2 · 3 · 2) = −1/3.
    expect(
      krippendorffAlpha([
        ['A', 'A', 'B'],
        ['A', 'B'],
      ]),
    ).toBeCloseTo(-1 / 3, 10);
  });

  it('per intent: positive specific agreement', () => {
    const s = specificAgreement(table(4, 2, 1, 3));
    // A: 2·4 / (2·4 + 3) = 8/11; B: 2·3 / (2·3 + 3) = 6/9.
    expect(s.get('A')?.agreement).toBeCloseTo(8 / 11, 10);
    expect(s.get('B')?.agreement).toBeCloseTo(6 / 9, 10);
  });
});
