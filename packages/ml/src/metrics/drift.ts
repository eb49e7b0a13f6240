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

/** Counts (or any non-negative weights) to probabilities, with `eps` smoothing so that logs stay finite. */
export function toDistribution(counts: readonly number[], eps = 1e-4): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  const p = counts.map((c) => (total ? c / total : 1 / counts.length) + eps);
  const z = p.reduce((s, x) => s + x, 0);
  return p.map((x) => x / z);
}

/**
 * Population stability index Σ (a − e)·ln(a / e) between a reference (expected) and a live (actual)
 * distribution over the same bins. Rule of thumb: < 0.1 stable, 0.1–0.25 moderate, > 0.25 major shift.
 */
export function psi(expectedCounts: readonly number[], actualCounts: readonly number[]): number {
  const e = toDistribution(expectedCounts);
  const a = toDistribution(actualCounts);
  return e.reduce((s, ei, i) => s + (a[i]! - ei) * Math.log(a[i]! / ei), 0);
}

/** Jensen–Shannon divergence in bits (0 = identical, 1 = disjoint). */
export function jensenShannon(pCounts: readonly number[], qCounts: readonly number[]): number {
  const p = toDistribution(pCounts, 0);
  const q = toDistribution(qCounts, 0);
  const kl = (x: number[], m: number[]) =>
    x.reduce((s, xi, i) => (xi > 0 ? s + xi * Math.log2(xi / m[i]!) : s), 0);
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
