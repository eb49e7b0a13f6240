import { z } from 'zod';
import { ZFeaturizerConfig } from '../featurize/featurizer-config.ts';

export const BUNDLE_FORMAT = 'acsa-intent-bundle';
export const MODEL_FILE = 'model.onnx';
export const MANIFEST_FILE = 'manifest.json';

export const ZHistogram = z.object({ edges: z.array(z.number()), counts: z.array(z.number()) });

export const ZEvalMetrics = z.object({
  n: z.number().int(),
  accuracy: z.number(),
  macroF1: z.number(),
  inScopeAccuracy: z.number().nullable(),
  oosRecall: z.number().nullable(),
  oosPrecision: z.number().nullable(),
  ece: z.number(),
});
export type TEvalMetrics = z.infer<typeof ZEvalMetrics>;

/** What drift detection compares live traffic against: the same statistics, taken on the dev split. */
export const ZReferenceStats = z.object({
  intentDistribution: z.record(z.string(), z.number()),
  confidenceHistogram: ZHistogram,
  lengthHistogram: ZHistogram,
  unknownTokenRate: z.number(),
  /** 32-bit hashes (featuriser hash, seed 0) of the word tokens seen in training, base64 of a Uint32Array. */
  vocabularyHashes: z.string(),
});
export type TReferenceStats = z.infer<typeof ZReferenceStats>;

export const ZManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.literal(1),
  name: z.string(),
  variant: z.enum(['teacher', 'student', 'student-int8', 'baseline']),
  createdAt: z.string(),
  model: z.object({
    file: z.literal(MODEL_FILE),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int().positive(),
    precision: z.enum(['fp32', 'int8']),
    architecture: z.object({
      members: z.array(z.object({ buckets: z.number(), embDim: z.number(), hidden: z.array(z.number()) })),
      parameters: z.number().int(),
    }),
  }),
  labels: z.array(z.string()).min(1),
  featurizer: ZFeaturizerConfig,
  calibration: z.object({ temperature: z.number().positive() }),
  outOfScope: z.object({
    /** The label the model was trained with for out-of-scope rows, when the data had one. */
    label: z.string().nullable(),
    /** Calibrated confidence below which a prediction is out of scope; null when the data had no such rows. */
    threshold: z.number().nullable(),
    /** Below this calibrated confidence the answer is unsure (serving may ask back or escalate). */
    lowConfidence: z.number(),
  }),
  metrics: z.object({ dev: ZEvalMetrics }),
  reference: ZReferenceStats,
  lineage: z.object({
    datasets: z.array(z.object({ file: z.string(), sha256: z.string(), rows: z.number().int() })),
    teacherSha256: z.string().nullable(),
    pipelineRunId: z.string().nullable(),
    backend: z.string(),
    seed: z.number().int(),
    trainSeconds: z.number(),
    trainRows: z.number().int(),
    devRows: z.number().int(),
    devSource: z.enum(['dev', 'held-out-train']),
  }),
});
export type TManifest = z.infer<typeof ZManifest>;
