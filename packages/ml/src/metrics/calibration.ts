import { softmax } from '../model/bag-mlp.ts';

/**
 * Expected calibration error: rows binned by confidence into `bins` equal-width bins, then the
 * row-weighted mean of |accuracy − mean confidence| per bin. 0 is perfectly calibrated.
 */
export function expectedCalibrationError(
  confidence: readonly number[],
  correct: readonly boolean[],
  bins = 15,
): number {
  const n = confidence.length;
  if (n === 0) return 0;
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const count = new Float64Array(bins);
  confidence.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins));
    conf[b]! += c;
    hits[b]! += correct[i] ? 1 : 0;
    count[b]!++;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(hits[b]! - conf[b]!) / n;
  return ece;
}

/** Mean negative log-likelihood of the gold classes under softmax(logits / T). */
export function nll(logits: readonly Float32Array[], labels: ArrayLike<number>, temperature: number): number {
  let s = 0;
  logits.forEach((z, i) => {
    s -= Math.log(Math.max(softmax(z, temperature)[labels[i]!]!, 1e-12));
  });
  return s / Math.max(1, logits.length);
}

/**
 * Temperature scaling (Guo et al. 2017): the single T > 0 minimising dev NLL, by golden-section search on
 * log T in [1/20, 20] (NLL is unimodal in T). It rescales confidence without changing any argmax.
 */
export function fitTemperature(logits: readonly Float32Array[], labels: ArrayLike<number>): number {
  if (logits.length === 0) return 1;
  const f = (logT: number) => nll(logits, labels, Math.exp(logT));
  let lo = Math.log(1 / 20);
  let hi = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}
