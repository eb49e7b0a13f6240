import { describe, expect, it } from 'vitest';
import { compareProportions, proportionInterval, sampleRatioCheck } from './ab-stats.ts';

describe('A/B arithmetic', () => {
  it('matches a hand-worked two-proportion test: control 200/1000 vs treatment 160/1000', () => {
    // pc = 0.20, pt = 0.16, diff = −0.04
    // pooled p = 360/2000 = 0.18; SE = √(0.18·0.82·(1/1000 + 1/1000)) = √0.0002952 = 0.0171814
    // z = −0.04 / 0.0171814 = −2.32810; two-sided p = 2·(1 − Φ(2.32810)) = 2·0.0099534 = 0.019907
    // unpooled SE = √(0.2·0.8/1000 + 0.16·0.84/1000) = √0.0002944 = 0.0171581
    // 95 % interval = −0.04 ± 1.959964·0.0171581 = [−0.073629, −0.006371]
    const r = compareProportions({ successes: 200, n: 1000 }, { successes: 160, n: 1000 })!;
    expect(r.diff).toBeCloseTo(-0.04, 10);
    expect(r.z).toBeCloseTo(-2.3281, 4);
    expect(r.pValue).toBeCloseTo(0.019907, 5);
    expect(r.interval[0]).toBeCloseTo(-0.073629, 5);
    expect(r.interval[1]).toBeCloseTo(-0.006371, 5);
  });

  it('finds nothing between identical samples and says nothing about an empty side', () => {
    const same = compareProportions({ successes: 50, n: 500 }, { successes: 50, n: 500 })!;
    expect(same.z).toBe(0);
    expect(same.pValue).toBeCloseTo(1, 10);
    const none = compareProportions({ successes: 0, n: 300 }, { successes: 0, n: 200 })!;
    expect(none.pValue).toBe(1);
    expect(none.interval).toEqual([0, 0]);
    expect(compareProportions({ successes: 1, n: 10 }, { successes: 0, n: 0 })).toBeNull();
  });

  it('flags a sample-ratio mismatch: 5200 vs 4800 sessions at 50/50', () => {
    // expected 5000 each; χ² = 200²/5000 + 200²/5000 = 16, df = 1
    // p = P(χ²₁ > 16) = 2·(1 − Φ(4)) = 6.334e-5 < 0.001 → mismatch
    const r = sampleRatioCheck([5200, 4800], [0.5, 0.5]);
    expect(r.expected).toEqual([5000, 5000]);
    expect(r.chiSquare).toBeCloseTo(16, 10);
    expect(r.degreesOfFreedom).toBe(1);
    expect(r.pValue).toBeCloseTo(6.334e-5, 7);
    expect(r.mismatch).toBe(true);
  });

  it('accepts a split that chance explains, against unequal weights too', () => {
    // 90/10 of 1000: expected 900 and 100; observed 890/110 → χ² = 100/900 + 100/100 = 1.1111, p = 0.2918
    const r = sampleRatioCheck([890, 110], [0.9, 0.1]);
    expect(r.chiSquare).toBeCloseTo(1.1111, 4);
    expect(r.pValue).toBeCloseTo(0.2918, 4);
    expect(r.mismatch).toBe(false);
    // three variants, 1/3 each of 300: observed 110/100/90 → χ² = (100 + 0 + 100)/100 = 2, df = 2, p = e^−1 = 0.3679
    const three = sampleRatioCheck([110, 100, 90], [1, 1, 1]);
    expect(three.pValue).toBeCloseTo(Math.exp(-1), 6);
  });

  it('gives each rate a Wilson 95 % interval that stays inside [0, 1]', () => {
    const [lo, hi] = proportionInterval({ successes: 40, n: 400 })!;
    expect(lo).toBeCloseTo(0.0743, 3);
    expect(hi).toBeCloseTo(0.1333, 3);
    expect(proportionInterval({ successes: 0, n: 10 })![0]).toBe(0);
    expect(proportionInterval({ successes: 0, n: 0 })).toBeNull();
  });
});
