import { describe, expect, it } from 'vitest';
import { kolmogorovQ, ksBinned, ksCriticalD } from './ks.ts';

describe('two-sample Kolmogorov–Smirnov on histograms', () => {
  it('takes D at the bin edges and p from the Kolmogorov distribution (worked by hand)', () => {
    // F_ref = .1 .3 .6 1, F_live = .4 .7 .9 1 → D = .4; n_e = 100·100/200 = 50, λ = .4·√50 = 2.8284,
    // Q = 2(e^{−16} − e^{−64} + …) = 2.2507e-7.
    const shifted = ksBinned([10, 20, 30, 40], [40, 30, 20, 10]);
    expect(shifted.d).toBeCloseTo(0.4, 12);
    expect(shifted.p).toBeCloseTo(2.2507e-7, 10);
    expect([shifted.n1, shifted.n2]).toEqual([100, 100]);
    // F_ref = .5, F_live = .6 → D = .1, λ = .1·√50 = .70711: Q = 2(e^{−1} − e^{−4} + e^{−9} − e^{−16}) = .69937.
    const mild = ksBinned([50, 50], [60, 40]);
    expect(mild.d).toBeCloseTo(0.1, 12);
    expect(mild.p).toBeCloseTo(0.69937, 5);
  });

  it('gives p = 1 for identical shapes whatever the sizes, and for an empty side', () => {
    expect(ksBinned([1, 2, 3], [100, 200, 300])).toEqual({ d: 0, p: 1, n1: 6, n2: 600 });
    expect(ksBinned([1, 2, 3], [0, 0, 0])).toMatchObject({ d: 0, p: 1 });
  });

  it('uses two forms of Q that agree where they meet', () => {
    const series = (l: number) =>
      2 * [1, 2, 3, 4, 5, 6, 7, 8].reduce((s, j) => s + (-1) ** (j - 1) * Math.exp(-2 * j * j * l * l), 0);
    for (const l of [0.6, 1.0, 1.17, 1.19, 1.5]) expect(kolmogorovQ(l)).toBeCloseTo(series(l), 9);
    expect(kolmogorovQ(0)).toBe(1);
  });

  it('gives the critical D at which Q equals alpha', () => {
    // α = .001: √(ln 2000 / 2) = 1.94947; × √(1/100 + 1/100) = .27570.
    const c = ksCriticalD(100, 100, 0.001);
    expect(c).toBeCloseTo(0.2757, 4);
    expect(kolmogorovQ(c * Math.sqrt(50))).toBeCloseTo(0.001, 6);
  });
});
