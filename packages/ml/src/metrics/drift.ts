/** A histogram over fixed edges: counts[i] holds values in [edges[i], edges[i+1]); the last bin is closed. */
export type THistogram = { edges: number[]; counts: number[] };

export function histogram(values: Iterable<number>, edges: number[]): THistogram {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    let i = edges.findIndex((e, k) => k + 1 < edges.length && v >= e && v < edges[k + 1]!);
    if (i < 0) i = v < edges[0]! ? 0 : counts.length - 1;
    counts[i]!++;
  }
  return { edges, counts };
}

/**
 * Population stability index Σ (a − e)·ln(a / e) between a reference (expected) and a live (actual)
 * distribution over the same bins. Rule of thumb: < 0.1 stable, 0.1–0.25 moderate, > 0.25 major shift.
 *
 * Both arguments are counts, not shares: each bin gets half a count (Jeffreys' prior) before the shares
 * are taken, so an empty bin weighs what its sample size can tell. A fixed floor (the 1e-4 this once used)
 * made every intent that a small window happened to miss add p·ln(p/1e-4) — 0.18 for a 3 % intent — and
 * 31 intents over 100 turns alerted in 30 % of windows with no drift at all (the noise floor's χ²
 * approximation assumes no such term). Passing shares as counts would smooth them as a sample of one.
 */
export function psi(expectedCounts: readonly number[], actualCounts: readonly number[]): number {
  const e = jeffreys(expectedCounts);
  const a = jeffreys(actualCounts);
  return e.reduce((s, ei, i) => s + (a[i]! - ei) * Math.log(a[i]! / ei), 0);
}

function jeffreys(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0) + counts.length / 2;
  return counts.map((c) => (c + 0.5) / total);
}

/**
 * Jensen–Shannon divergence in bits (0 = identical, towards 1 = disjoint) between two count vectors,
 * smoothed like `psi`: unsmoothed, each bin a small window missed added half its reference share, far
 * above the small-difference approximation (JS ≈ PSI / 8 ln 2) the noise floor relies on.
 */
export function jensenShannon(pCounts: readonly number[], qCounts: readonly number[]): number {
  const p = jeffreys(pCounts);
  const q = jeffreys(qCounts);
  const kl = (x: number[], m: number[]) => x.reduce((s, xi, i) => s + xi * Math.log2(xi / m[i]!), 0);
  const m = p.map((pi, i) => (pi + q[i]!) / 2);
  return kl(p, m) / 2 + kl(q, m) / 2;
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]!;
}

export { ksBinned, ksCriticalD, type TKsResult } from './ks.ts';
