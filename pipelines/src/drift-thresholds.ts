/// <reference path="./ab-jstat.d.ts" />
import { ksCriticalD, type TKsResult } from '@acsa/ml/drift';
import jStat from 'jstat';
import { z } from 'zod';
import { intentShifts, type TIntentCount } from './drift-intent-shares.ts';

/**
 * When a drift window raises an alert. PSI follows the usual rule of thumb (< 0.1 stable, 0.1–0.25
 * moderate, > 0.25 a major shift); Jensen–Shannon is in bits (0 identical, 1 disjoint). Lowering a value
 * makes alerts (and the retraining they can trigger) more frequent.
 */
export const ZDriftThresholds = z.object({
  intentPsi: z.number().positive(),
  intentJs: z.number().positive().max(1),
  confidencePsi: z.number().positive(),
  lengthPsi: z.number().positive(),
  /**
   * The least Kolmogorov–Smirnov D (largest gap between the reference and live cumulative distributions)
   * that alerts. Over thousands of messages the KS critical value falls towards 0 and any trivial shift
   * would be "significant"; this floor keeps alerts to shifts worth a retraining.
   */
  confidenceKs: z.number().positive().max(1),
  lengthKs: z.number().positive().max(1),
  /** Absolute rise of the unknown-token rate over the reference's (0.15 = 15 points more unknown words). */
  unknownTokenRateIncrease: z.number().positive().max(1),
  /** Below this many messages a window is reported but never alerts. */
  minMessages: z.number().int().positive(),
  /**
   * Chance of a false alarm from sampling alone. Two samples of one distribution differ by chance, more so
   * when they are small (31 intents over 100 turns give a PSI near 0.3 with no drift at all), so each
   * threshold is raised to the value sampling noise exceeds only this often. The floor is χ²-based and
   * holds because PSI and JS smooth counts (Jeffreys); measured in the trainer's window-drift-noise test.
   */
  falseAlarmP: z.number().positive().max(0.5),
  /**
   * One intent's share of a window against its reference share: an exact test per intent, Holm-corrected
   * over the window's intents at `falseAlarmP`, alerts only when the share also moved by at least this
   * ratio either way (×1.5 or ÷1.5) and by at least `intentShareDifference` (0.01 = 1 point). PSI and JS
   * sum over every intent, so one intent doubling (4 % → 8 %, "where is my order" in a carrier outage)
   * moves them by ~0.03 and never alerts; this test does, from about 1,000 messages. The ratio keeps the
   * large intents (11 % → 12.5 %) quiet once windows are big enough for any move to be significant; the
   * point keeps the rare ones (0.4 % → 0.8 %: a few messages an hour) quiet. Lowering either alerts on
   * smaller moves, and the retraining alerts can trigger with them.
   */
  intentShareRatio: z.number().min(1),
  intentShareDifference: z.number().nonnegative().max(1),
});
export type TDriftThresholds = z.infer<typeof ZDriftThresholds>;

export const DEFAULT_DRIFT_THRESHOLDS: TDriftThresholds = {
  intentPsi: 0.25,
  intentJs: 0.1,
  confidencePsi: 0.25,
  lengthPsi: 0.25,
  confidenceKs: 0.1,
  lengthKs: 0.1,
  unknownTokenRateIncrease: 0.15,
  minMessages: 100,
  falseAlarmP: 0.001,
  intentShareRatio: 1.5,
  intentShareDifference: 0.01,
};

type TDistributionMetric =
  | 'intentPsi'
  | 'intentJs'
  | 'confidencePsi'
  | 'lengthPsi'
  | 'confidenceKs'
  | 'lengthKs';

/** How many categories (bins with mass on either side) each compared distribution has. */
export type TDriftSampling = {
  referenceN: number;
  categories: Record<'intent' | 'confidence' | 'length', number>;
};

export type TDriftFigures = {
  n: number;
  intentPsi: number;
  intentJs: number;
  confidencePsi: number;
  lengthPsi: number;
  unknownTokenRate: number;
  /** The reference's unknown-token rate, which the live rate is compared with. */
  referenceUnknownTokenRate: number;
  /** Sample sizes behind the figures; without them the thresholds apply as they are. */
  sampling?: TDriftSampling;
  /** Two-sample KS of the confidence and length histograms; reports older than it have none. */
  ks?: { confidence: TKsResult; length: TKsResult };
  /** Each intent's reference share and window count; reports older than the per-intent test have none. */
  intents?: readonly TIntentCount[];
};

/**
 * A figure over its threshold. An `intentShare` breach names its `intent`: its `value` is the intent's share
 * of the window, its `threshold` the reference share it moved from, `p` the Holm-adjusted p-value.
 */
export type TDriftBreach = { metric: string; value: number; threshold: number; intent?: string; p?: number };

/**
 * The PSI that two samples of the same distribution exceed with probability p. For small differences
 * PSI·n₁n₂/(n₁+n₂) is approximately χ² with k − 1 degrees of freedom, so the bound is the χ² quantile
 * scaled by 1/n₁ + 1/n₂. Jensen–Shannon in bits is about PSI/(8 ln 2) for small differences.
 */
export function psiNoiseFloor(categories: number, referenceN: number, liveN: number, p: number): number {
  if (categories < 2 || referenceN <= 0 || liveN <= 0) return 0;
  return jStat.chisquare.inv(1 - p, categories - 1) * (1 / referenceN + 1 / liveN);
}

/**
 * The threshold each distribution metric is held to: the configured one, or the noise floor if higher. For
 * KS the noise floor is its critical D at `falseAlarmP`, so a KS breach is significant and large.
 */
export function effectiveThresholds(
  f: Pick<TDriftFigures, 'n' | 'sampling' | 'ks'>,
  t: TDriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): Record<TDistributionMetric, number> {
  const floor = (k: number) => (f.sampling ? psiNoiseFloor(k, f.sampling.referenceN, f.n, t.falseAlarmP) : 0);
  const c = f.sampling?.categories;
  const intentFloor = floor(c?.intent ?? 0);
  return {
    intentPsi: Math.max(t.intentPsi, intentFloor),
    intentJs: Math.max(t.intentJs, intentFloor / (8 * Math.LN2)),
    confidencePsi: Math.max(t.confidencePsi, floor(c?.confidence ?? 0)),
    lengthPsi: Math.max(t.lengthPsi, floor(c?.length ?? 0)),
    confidenceKs: Math.max(t.confidenceKs, ksFloor(f.ks?.confidence, t.falseAlarmP)),
    lengthKs: Math.max(t.lengthKs, ksFloor(f.ks?.length, t.falseAlarmP)),
  };
}

const ksFloor = (k: TKsResult | undefined, p: number) => (k ? ksCriticalD(k.n1, k.n2, p) : 0);

/** Every figure over its threshold; empty when the window is quiet or too small to judge. */
export function driftBreaches(
  f: TDriftFigures,
  t: TDriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): TDriftBreach[] {
  if (f.n < t.minMessages) return [];
  const e = effectiveThresholds(f, t);
  const checks: TDriftBreach[] = [
    { metric: 'intentPsi', value: f.intentPsi, threshold: e.intentPsi },
    { metric: 'intentJs', value: f.intentJs, threshold: e.intentJs },
    { metric: 'confidencePsi', value: f.confidencePsi, threshold: e.confidencePsi },
    { metric: 'lengthPsi', value: f.lengthPsi, threshold: e.lengthPsi },
    {
      metric: 'unknownTokenRate',
      value: f.unknownTokenRate,
      threshold: f.referenceUnknownTokenRate + t.unknownTokenRateIncrease,
    },
  ];
  if (f.ks)
    checks.push(
      { metric: 'confidenceKs', value: f.ks.confidence.d, threshold: e.confidenceKs },
      { metric: 'lengthKs', value: f.ks.length.d, threshold: e.lengthKs },
    );
  const over = checks.filter((c) => c.value > c.threshold);
  const moved = intentShifts(f.intents ?? [], f.sampling?.referenceN ?? 0, f.n, {
    ratio: t.intentShareRatio,
    difference: t.intentShareDifference,
    p: t.falseAlarmP,
  });
  return [
    ...over,
    ...moved.map((m) => ({
      metric: 'intentShare',
      intent: m.intent,
      value: m.live,
      threshold: m.reference,
      p: m.p,
    })),
  ];
}
