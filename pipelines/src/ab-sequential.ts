import type { TProportion } from './ab-stats.ts';

/**
 * Prior spread of the true difference between two rates (mixture mSPRT): 0.05 says effects of a few
 * points are what we expect. Larger makes small effects slower to detect and large ones faster.
 */
export const SEQUENTIAL_TAU = 0.05;

export type TSequentialTest = {
  /** The mixture likelihood ratio of "the rates differ" against "they are equal", on the data so far. */
  likelihoodRatio: number;
  /**
   * Always-valid p-value (1 / ratio, at most 1): unlike a z-test's, it stays valid however often the
   * results are looked at and whenever the experiment is stopped, so "stop once p < 0.05" is a sound rule.
   */
  pValue: number;
  /** True once pValue < alpha: the difference can be acted on now. */
  decided: boolean;
};

/**
 * Mixture sequential probability ratio test (Johari et al., "Always valid inference", 2017) for the
 * difference of two proportions, with the normal approximation of the observed difference and a normal
 * mixing distribution N(0, τ²) over the true one. By Ville's inequality, the chance that 1 / ratio ever
 * falls below α while there is no difference is at most α. Null while a side has no observations.
 */
export function sequentialTest(
  control: TProportion,
  treatment: TProportion,
  opts: { tau?: number; alpha?: number } = {},
): TSequentialTest | null {
  if (control.n <= 0 || treatment.n <= 0) return null;
  const tau2 = (opts.tau ?? SEQUENTIAL_TAU) ** 2;
  const pc = control.successes / control.n;
  const pt = treatment.successes / treatment.n;
  const diff = pt - pc;
  // Pooled variance: under the null both rates are one, and it keeps V > 0 unless both are 0 or 1.
  const pooled = (control.successes + treatment.successes) / (control.n + treatment.n);
  const v = pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n);
  if (v <= 0) return { likelihoodRatio: 1, pValue: 1, decided: false };
  const likelihoodRatio = Math.sqrt(v / (v + tau2)) * Math.exp((diff * diff * tau2) / (2 * v * (v + tau2)));
  const pValue = Math.min(1, 1 / likelihoodRatio);
  return { likelihoodRatio, pValue, decided: pValue < (opts.alpha ?? 0.05) };
}
