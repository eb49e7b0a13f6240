import { z } from 'zod';
import { ZGateThresholds } from '../gate-thresholds.ts';
import { ZPromotionMode, ZSpecOverride } from './config.ts';

/** What each step hands to the next. A step returns the context it got plus its own entry. */
export const ZSnapshotOutput = z.object({
  datasetVersionId: z.uuid(),
  datasetVersion: z.number().int(),
  /** The run's working directory (shared by the trainer's workers). */
  dir: z.string(),
  /** Train and dev rows as JSONL ({text, intent, split}). */
  dataFile: z.string(),
  /** The frozen test rows as JSONL. */
  testFile: z.string(),
  /** Production's bundle as of the snapshot, written out for evaluation; null when there is none. */
  production: z.object({ versionId: z.uuid(), version: z.string(), bundleDir: z.string() }).nullable(),
  /** What to train with, resolved from the run's preset and overrides: the train step has no database. */
  training: z.object({ teacher: ZSpecOverride, student: ZSpecOverride, seed: z.number().int() }),
  counts: z.object({
    train: z.number().int(),
    dev: z.number().int(),
    test: z.number().int(),
    labels: z.number().int(),
    /** Source rows whose text belongs to the test split but is not in the frozen test set: never trained on. */
    heldBack: z.number().int(),
    testFrozenFrom: z.number().int().nullable(),
  }),
});
export type TSnapshotOutput = z.infer<typeof ZSnapshotOutput>;

export const ZTrainOutput = z.object({
  bundleDir: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  devAccuracy: z.number(),
  devMacroF1: z.number(),
  trainRows: z.number().int(),
  backend: z.string(),
  seconds: z.number(),
  /** Peak resident memory of the training process (MB): what a trainer machine must have. */
  maxRssMb: z.number(),
});
export type TTrainOutput = z.infer<typeof ZTrainOutput>;

export const ZIntentScore = z.object({
  intent: z.string(),
  support: z.number().int(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
});
/** How often test rows of intent `gold` were answered as `predicted` (off the diagonal only). */
export const ZConfusion = z.object({ gold: z.string(), predicted: z.string(), n: z.number().int() });
export const ZEvalSummary = z.object({
  n: z.number().int(),
  accuracy: z.number(),
  macroF1: z.number(),
  inScopeAccuracy: z.number().nullable(),
  oosRecall: z.number().nullable(),
  ece: z.number(),
  sizeBytes: z.number().int(),
  p50LatencyMs: z.number(),
  p99LatencyMs: z.number(),
  p50EndToEndMs: z.number(),
  perIntent: z.array(ZIntentScore),
  /** The most frequent confusions; absent in evaluations made before they were recorded. */
  confusions: z.array(ZConfusion).optional(),
});
export type TEvalSummary = z.infer<typeof ZEvalSummary>;

export const ZEvaluateOutput = z.object({
  testRows: z.number().int(),
  candidate: ZEvalSummary,
  production: ZEvalSummary.nullable(),
  /** Production's model, which the snapshot found, could not be loaded: the gate refuses to judge without it. */
  productionNotLoaded: z.object({ version: z.string(), error: z.string() }).optional(),
});
export type TEvaluateOutput = z.infer<typeof ZEvaluateOutput>;

export const ZGateCheck = z.object({
  /** e.g. floor.accuracy, intent.track_order, budget.latency, compare.macroF1 */
  check: z.string(),
  passed: z.boolean(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  message: z.string(),
});
export type TGateCheck = z.infer<typeof ZGateCheck>;

/** The gate's decision, stored with the run: every check, and the failed ones' messages as reasons. */
export const ZGateDecision = z.object({
  passed: z.boolean(),
  reasons: z.array(z.string()),
  checks: z.array(ZGateCheck),
  thresholds: ZGateThresholds,
  candidate: z.object({ accuracy: z.number(), macroF1: z.number() }),
  production: z.object({ accuracy: z.number(), macroF1: z.number() }).nullable(),
});
export type TGateDecision = z.infer<typeof ZGateDecision>;

export const ZRegisterOutput = z.object({
  skipped: z.boolean(),
  versionId: z.uuid().nullable(),
  version: z.string().nullable(),
});
export type TRegisterOutput = z.infer<typeof ZRegisterOutput>;

export const ZPromoteOutput = z.object({
  mode: ZPromotionMode,
  promoted: z.boolean(),
  alias: z.string().nullable(),
  experimentId: z.uuid().nullable(),
  message: z.string(),
});
export type TPromoteOutput = z.infer<typeof ZPromoteOutput>;

export const ZFlowContext = z.object({
  snapshot: ZSnapshotOutput.optional(),
  train: ZTrainOutput.optional(),
  evaluate: ZEvaluateOutput.optional(),
  gate: ZGateDecision.optional(),
  register: ZRegisterOutput.optional(),
  promote: ZPromoteOutput.optional(),
});
export type TFlowContext = z.infer<typeof ZFlowContext>;
