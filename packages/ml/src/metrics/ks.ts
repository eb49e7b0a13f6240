/**
 * Two-sample Kolmogorov–Smirnov on binned data: what the drift check has (the reference keeps only a
 * histogram). D is taken at the bin edges, so it is a lower bound of the D of the raw values; the finer the
 * bins, the closer. Written here because neither jstat nor simple-statistics has the Kolmogorov
 * distribution; the formulas are Numerical Recipes' (§14.3) without its small-sample correction.
 */
export type TKsResult = {
  /** max |F_ref − F_live| over the bin edges, 0–1. */
  d: number;
  /** Chance of a D this large from two samples of one distribution (asymptotic Kolmogorov distribution). */
  p: number;
  /** Reference and live sample sizes (the histograms' totals). */
  n1: number;
  n2: number;
};

/**
 * Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}, the asymptotic P(√n·D > λ). Below λ = 1.18 the alternating
 * series converges slowly, so its Jacobi-theta twin 1 − (√(2π)/λ) Σ e^{−(2j−1)²π²/(8λ²)} is used there;
 * four terms of either are exact to 1e-12 on its side of the switch.
 */
export function kolmogorovQ(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const x = Math.exp(-(Math.PI * Math.PI) / (8 * lambda * lambda));
    const cdf = (Math.sqrt(2 * Math.PI) / lambda) * (x + x ** 9 + x ** 25 + x ** 49);
    return Math.min(1, Math.max(0, 1 - cdf));
  }
  const x = Math.exp(-2 * lambda * lambda);
  return Math.min(1, Math.max(0, 2 * (x - x ** 4 + x ** 9 - x ** 16)));
}

/** The D two samples of one distribution exceed with probability `alpha` (where 2e^{−2λ²} = alpha). */
export function ksCriticalD(n1: number, n2: number, alpha: number): number {
  if (n1 <= 0 || n2 <= 0) return 1;
  return Math.sqrt(Math.log(2 / alpha) / 2) * Math.sqrt(1 / n1 + 1 / n2);
}

/** KS between two histograms over the same bins; D = 0, p = 1 when either side is empty. */
export function ksBinned(referenceCounts: readonly number[], liveCounts: readonly number[]): TKsResult {
  const n1 = referenceCounts.reduce((s, c) => s + c, 0);
  const n2 = liveCounts.reduce((s, c) => s + c, 0);
  if (n1 <= 0 || n2 <= 0) return { d: 0, p: 1, n1, n2 };
  let c1 = 0;
  let c2 = 0;
  let d = 0;
  for (let i = 0; i < Math.max(referenceCounts.length, liveCounts.length); i++) {
    c1 += referenceCounts[i] ?? 0;
    c2 += liveCounts[i] ?? 0;
    d = Math.max(d, Math.abs(c1 / n1 - c2 / n2));
  }
  return { d, p: kolmogorovQ(Math.sqrt((n1 * n2) / (n1 + n2)) * d), n1, n2 };
}
