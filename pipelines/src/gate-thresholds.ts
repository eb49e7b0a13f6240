import { z } from 'zod';

const fraction = z.number().min(0).max(1);

/**
 * The promotion gate's thresholds. Floors keep an absolutely bad model out even when production is bad
 * too; the per-intent limit stops a model that is better on average but has forgotten one intent; the
 * budgets keep serving's latency and memory; the comparison with production decides the rest, on the same
 * frozen test rows. Fractions are 0–1 (0.005 = half a point).
 */
export const ZGateThresholds = z.object({
  minAccuracy: fraction,
  minMacroF1: fraction,
  /** Applied only when the test rows hold out-of-scope examples. */
  minOosRecall: fraction,
  /** Largest F1 drop of any single intent against production. */
  maxIntentRegression: fraction,
  /** Intents with fewer test rows are too noisy to judge one by one. */
  minIntentSupport: z.number().int().min(1),
  /** ONNX Runtime time for one text (p99), as serving runs it. */
  maxP99LatencyMs: z.number().positive(),
  maxSizeBytes: z.number().int().positive(),
  /**
   * `non-inferiority`: candidate ≥ production − margin on every compared metric (a retrain on more data
   * should not need to be strictly better to ship). `improvement`: candidate ≥ production + minImprovement.
   */
  comparison: z.enum(['non-inferiority', 'improvement']),
  margin: fraction,
  minImprovement: fraction,
  compareOn: z.array(z.enum(['accuracy', 'macroF1'])).min(1),
});
export type TGateThresholds = z.infer<typeof ZGateThresholds>;

/** What a run stores: only the thresholds it changes. */
export const ZGateThresholdsInput = ZGateThresholds.partial();
export type TGateThresholdsInput = z.infer<typeof ZGateThresholdsInput>;

export const DEFAULT_GATE_THRESHOLDS: TGateThresholds = {
  minAccuracy: 0.85,
  minMacroF1: 0.8,
  minOosRecall: 0.6,
  maxIntentRegression: 0.1,
  minIntentSupport: 10,
  maxP99LatencyMs: 25,
  maxSizeBytes: 64 * 1024 * 1024,
  comparison: 'non-inferiority',
  margin: 0.005,
  minImprovement: 0.005,
  compareOn: ['accuracy', 'macroF1'],
};

export const resolveGateThresholds = (input: TGateThresholdsInput = {}): TGateThresholds =>
  ZGateThresholds.parse({ ...DEFAULT_GATE_THRESHOLDS, ...input });
