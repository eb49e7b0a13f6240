/// <reference path="./ab-jstat.d.ts" />
import jStat from 'jstat';

/** One intent of a window: its share of the reference and its count of the window's messages. */
export type TIntentCount = { name: string; reference: number; live: number };

/** An intent whose share of the window moved from its reference share: both shares, Holm-adjusted p. */
export type TIntentShift = { intent: string; reference: number; live: number; p: number };

export type TIntentShareTest = {
  /** The least ratio of one share to the other (either way) worth an alert. */
  ratio: number;
  /** The least absolute difference of shares worth an alert (0.01 = one percentage point). */
  difference: number;
  /** Family-wise chance of a false alarm over all intents of a window. */
  p: number;
};

/** P(X ≥ k) and P(X ≤ k) for X ~ Binomial(m, q), through the regularised incomplete beta. */
function binomialTails(k: number, m: number, q: number): { upper: number; lower: number } {
  const upper = k <= 0 ? 1 : jStat.ibeta(q, k, m - k + 1);
  const lower = k >= m ? 1 : jStat.ibeta(1 - q, m - k, k + 1);
  return { upper, lower };
}

/**
 * Two-sided exact test of one intent's count in the window against its count in the reference: given the
 * intent's total over both samples, the window's part is Binomial(total, n / (n + referenceN)) when the
 * intent is as common in both (the conditional test of two Poisson rates). Exact, so rare intents over
 * small windows (0.4 expected messages) do not alert on two or three, as a normal approximation would.
 */
export function intentCountP(
  referenceCount: number,
  liveCount: number,
  referenceN: number,
  n: number,
): number {
  const total = referenceCount + liveCount;
  if (total === 0) return 1;
  const { upper, lower } = binomialTails(liveCount, total, n / (n + referenceN));
  return Math.min(1, 2 * Math.min(upper, lower));
}

/**
 * The intents whose share of a window of `n` messages moved from the reference's: significant after Holm's
 * correction over every intent present on either side, and large enough to act on. A manifest without its
 * row count (`referenceN` 0) is taken as an exact reference, as PSI takes it. Largest move first.
 */
export function intentShifts(
  intents: readonly TIntentCount[],
  referenceN: number,
  n: number,
  t: TIntentShareTest,
): TIntentShift[] {
  if (n <= 0) return [];
  const refN = referenceN > 0 ? referenceN : 1e6;
  const tested = intents
    .filter((i) => i.reference > 0 || i.live > 0)
    .map((i) => ({
      intent: i.name,
      reference: i.reference,
      live: i.live / n,
      p: intentCountP(Math.round(i.reference * refN), i.live, refN, n),
    }))
    .sort((a, b) => a.p - b.p);
  // Holm: the j-th smallest p (from 0) is held to p / (k − j), and testing stops at the first that fails.
  const significant: TIntentShift[] = [];
  let adjusted = 0;
  for (const [j, s] of tested.entries()) {
    adjusted = Math.max(adjusted, Math.min(1, s.p * (tested.length - j)));
    if (adjusted > t.p) break;
    significant.push({ ...s, p: adjusted });
  }
  const large = (s: TIntentShift) => {
    const hi = Math.max(s.reference, s.live);
    const lo = Math.min(s.reference, s.live);
    return hi - lo >= t.difference && hi >= t.ratio * lo;
  };
  return significant
    .filter(large)
    .sort((a, b) => Math.abs(b.live - b.reference) - Math.abs(a.live - a.reference));
}
