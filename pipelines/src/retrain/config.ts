import { ZModelSpec } from '@acsa/ml/spec';
import { z } from 'zod';
import { ZGateThresholdsInput } from '../gate-thresholds.ts';

export const PROMOTION_MODES = ['direct', 'experiment', 'shadow', 'none'] as const;
/**
 * What happens to a candidate that passes the gate: `direct` points production at it; `experiment` starts
 * an A/B test (control = production, treatment = candidate); `shadow` points the shadow alias at it; `none`
 * only registers it.
 */
export const ZPromotionMode = z.enum(PROMOTION_MODES);
export type TPromotionMode = z.infer<typeof ZPromotionMode>;

export const RUN_TRIGGERS = ['MANUAL', 'LABELS', 'DRIFT', 'SCHEDULE'] as const;
export const ZRunTrigger = z.enum(RUN_TRIGGERS);
export type TRunTrigger = z.infer<typeof ZRunTrigger>;

/** Hyper-parameters a run may override: the model factory's spec, every field optional (omitted keep its defaults). */
export const ZSpecOverride = ZModelSpec.partial();
export type TSpecOverride = z.infer<typeof ZSpecOverride>;

/**
 * Named training sizes. `full` is the factory's defaults (the best model, minutes on 2 cores);
 * `bootstrap` is what `npm start` trains the first model with; `small` trains in seconds on a small
 * corpus, for tests and demos.
 */
export const TRAINING_PRESETS = {
  small: {
    teacher: { members: 1, embDim: 64, buckets: 1 << 14, hidden: [], epochs: 6, lr: 1e-2 },
    student: { embDim: 32, buckets: 1 << 14, epochs: 6, lr: 1e-2 },
  },
  bootstrap: {
    teacher: { members: 1, embDim: 128, buckets: 1 << 16, epochs: 6 },
    student: { embDim: 48, buckets: 1 << 15, epochs: 6 },
  },
  full: { teacher: {}, student: {} },
} as const satisfies Record<string, { teacher: TSpecOverride; student: TSpecOverride }>;
export const ZTrainingPreset = z.enum(['small', 'bootstrap', 'full']);
export type TTrainingPreset = z.infer<typeof ZTrainingPreset>;

/** A run's configuration, stored with the run as enqueued: what was trained how, and judged by what. */
export const ZRetrainConfig = z.object({
  mode: ZPromotionMode.default('direct'),
  /** Treatment's share of traffic in `experiment` mode. */
  experimentWeight: z.number().gt(0).lt(1).default(0.5),
  preset: ZTrainingPreset.default('full'),
  /** Overrides on top of the preset. */
  teacher: ZSpecOverride.default({}),
  student: ZSpecOverride.default({}),
  seed: z.number().int().default(1),
  /** Source datasets by name; by default every dataset except the snapshots themselves. */
  datasets: z.array(z.string().min(1)).min(1).optional(),
  /**
   * Rebuild the frozen test split from the sources (e.g. after importing a new corpus). Runs before and
   * after a refreeze are not comparable on their test figures.
   */
  refreezeTest: z.boolean().default(false),
  /** Gate thresholds that differ from the defaults. */
  gate: ZGateThresholdsInput.default({}),
});
export type TRetrainConfig = z.infer<typeof ZRetrainConfig>;
export type TRetrainConfigInput = z.input<typeof ZRetrainConfig>;

/** The spec a run trains with: preset, then the run's overrides. */
export function trainingSpec(config: TRetrainConfig): { teacher: TSpecOverride; student: TSpecOverride } {
  const preset = TRAINING_PRESETS[config.preset];
  return {
    teacher: { ...preset.teacher, ...config.teacher } as TSpecOverride,
    student: { ...preset.student, ...config.student } as TSpecOverride,
  };
}

/** Dataset that holds the retraining snapshots (one version per run). */
export const SNAPSHOT_DATASET = 'training-snapshots';
