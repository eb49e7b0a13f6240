import { z } from 'zod';

export const ZModelSpec = z.object({
  /** Independently seeded members whose logits are averaged (an ensemble); the student has one. */
  members: z.number().int().min(1).max(8),
  buckets: z.number().int().min(16),
  embDim: z.number().int().positive(),
  hidden: z.array(z.number().int().positive()),
  epochs: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  lr: z.number().positive(),
  dropout: z.number().min(0).max(0.9),
  featureDropout: z.number().min(0).max(0.9),
  labelSmoothing: z.number().min(0).max(0.5),
  patience: z.number().int().positive(),
});
export type TModelSpec = z.infer<typeof ZModelSpec>;

/**
 * Defaults sized for a 2-core machine: a wide teacher (more members make an ensemble, at that multiple of
 * the time) and a narrow student that learns from it. The student's first layer is 4× narrower with half
 * the buckets, which with int8 weights makes its bundle ~30× smaller than the teacher's.
 */
export const DEFAULT_TEACHER: TModelSpec = {
  members: 1,
  buckets: 1 << 17,
  embDim: 256,
  hidden: [],
  epochs: 6,
  batchSize: 64,
  lr: 3e-3,
  dropout: 0.3,
  featureDropout: 0.1,
  labelSmoothing: 0,
  patience: 2,
};

export const DEFAULT_STUDENT: TModelSpec = {
  members: 1,
  buckets: 1 << 16,
  embDim: 64,
  hidden: [],
  epochs: 6,
  batchSize: 64,
  lr: 4e-3,
  dropout: 0.1,
  featureDropout: 0.1,
  labelSmoothing: 0,
  patience: 2,
};

export const DEFAULT_DISTILL = { temperature: 3, alpha: 0.3 };
