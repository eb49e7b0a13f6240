/// <reference path="./ab-jstat.d.ts" />
import jStat from 'jstat';

/** A sample-ratio mismatch is flagged below this p-value: strict, because it is tested on every look. */
export const SRM_P_THRESHOLD = 0.001;

export type TProportion = { successes: number; n: number };

export type TProportionComparison = {
  control: number;
  treatment: number;
  /** treatment − control. */
  diff: number;
  /** Confidence interval of the difference, from the unpooled standard error. */
  interval: [number, number];
  /** z of the two-proportion test, from the pooled standard error (the null hypothesis: equal rates). */
  z: number;
  /** Two-sided. */
  pValue: number;
};

/**
 * Two-proportion z-test and the interval of the difference. The test pools both samples because under
 * its null the rates are equal; the interval does not, because it describes the difference as observed.
 * Null when a side has no observations: nothing can be said yet.
 */
export function compareProportions(
  control: TProportion,
  treatment: TProportion,
  confidence = 0.95,
): TProportionComparison | null {
  if (control.n <= 0 || treatment.n <= 0) return null;
  const pc = control.successes / control.n;
  const pt = treatment.successes / treatment.n;
  const diff = pt - pc;
  const pooled = (control.successes + treatment.successes) / (control.n + treatment.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  // All successes or none on both sides: the samples agree exactly, so there is no evidence of a difference.
  const z = sePooled > 0 ? diff / sePooled : 0;
  const pValue = sePooled > 0 ? 2 * (1 - jStat.normal.cdf(Math.abs(z), 0, 1)) : 1;
  const se = Math.sqrt((pc * (1 - pc)) / control.n + (pt * (1 - pt)) / treatment.n);
  const q = jStat.normal.inv(1 - (1 - confidence) / 2, 0, 1);
  return { control: pc, treatment: pt, diff, interval: [diff - q * se, diff + q * se], z, pValue };
}

/**
 * Wilson score interval of one proportion: unlike the normal approximation it stays inside [0, 1] and is
 * not zero-width at 0 % or 100 %, which small variants early in an experiment often show. Null with no data.
 */
export function proportionInterval(p: TProportion, confidence = 0.95): [number, number] | null {
  if (p.n <= 0) return null;
  const q = jStat.normal.inv(1 - (1 - confidence) / 2, 0, 1);
  const r = p.successes / p.n;
  const denom = 1 + (q * q) / p.n;
  const centre = (r + (q * q) / (2 * p.n)) / denom;
  const half = (q * Math.sqrt((r * (1 - r)) / p.n + (q * q) / (4 * p.n * p.n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export type TSampleRatioCheck = {
  observed: number[];
  expected: number[];
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  /** True when the split is too far from the configured weights to be chance: assignment is broken. */
  mismatch: boolean;
};

/**
 * Chi-square goodness of fit of the observed units per variant against the configured weights. A
 * mismatch means the variants' samples differ by more than chance (a routing bug, a variant that drops
 * traffic), and then no other figure of the experiment can be trusted.
 */
export function sampleRatioCheck(
  observed: readonly number[],
  weights: readonly number[],
  threshold = SRM_P_THRESHOLD,
): TSampleRatioCheck {
  const total = observed.reduce((s, o) => s + o, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (weightSum > 0 ? (total * w) / weightSum : 0));
  const chiSquare = observed.reduce((s, o, i) => {
    const e = expected[i] ?? 0;
    return e > 0 ? s + (o - e) ** 2 / e : s;
  }, 0);
  const degreesOfFreedom = Math.max(0, observed.length - 1);
  const pValue = total > 0 && degreesOfFreedom > 0 ? 1 - jStat.chisquare.cdf(chiSquare, degreesOfFreedom) : 1;
  return {
    observed: [...observed],
    expected,
    chiSquare,
    degreesOfFreedom,
    pValue,
    mismatch: pValue < threshold,
  };
}
