import { z } from 'zod';

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
  /** Absolute rise of the unknown-token rate over the reference's (0.15 = 15 points more unknown words). */
  unknownTokenRateIncrease: z.number().positive().max(1),
  /** Below this many messages a window is reported but never alerts: PSI over a handful of turns is noise. */
  minMessages: z.number().int().positive(),
});
export type TDriftThresholds = z.infer<typeof ZDriftThresholds>;

export const DEFAULT_DRIFT_THRESHOLDS: TDriftThresholds = {
  intentPsi: 0.25,
  intentJs: 0.1,
  confidencePsi: 0.25,
  lengthPsi: 0.25,
  unknownTokenRateIncrease: 0.15,
  minMessages: 100,
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
};

export type TDriftBreach = { metric: string; value: number; threshold: number };

/** Every figure over its threshold; empty when the window is quiet or too small to judge. */
export function driftBreaches(
  f: TDriftFigures,
  t: TDriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): TDriftBreach[] {
  if (f.n < t.minMessages) return [];
  const checks: TDriftBreach[] = [
    { metric: 'intentPsi', value: f.intentPsi, threshold: t.intentPsi },
    { metric: 'intentJs', value: f.intentJs, threshold: t.intentJs },
    { metric: 'confidencePsi', value: f.confidencePsi, threshold: t.confidencePsi },
    { metric: 'lengthPsi', value: f.lengthPsi, threshold: t.lengthPsi },
    {
      metric: 'unknownTokenRate',
      value: f.unknownTokenRate,
      threshold: f.referenceUnknownTokenRate + t.unknownTokenRateIncrease,
    },
  ];
  return checks.filter((c) => c.value > c.threshold);
}
