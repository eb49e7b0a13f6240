import { z } from 'zod';
import { QUEUES } from '../queues.ts';

/** The retraining flow's steps, in the order they run. */
export const RETRAIN_STEPS = ['snapshot', 'train', 'evaluate', 'gate', 'register', 'promote'] as const;
export const ZRetrainStep = z.enum(RETRAIN_STEPS);
export type TRetrainStep = z.infer<typeof ZRetrainStep>;

export type TStepPolicy = {
  queue: (typeof QUEUES)['retrain' | 'retrainCpu'];
  /** Share of the run's 0–100 progress: roughly each step's share of a run's time. */
  weight: number;
  /** Attempts in all, first included; each retry waits `backoff × 2^(n−1)`. */
  attempts: number;
};

/**
 * Where each step runs and how often it is tried. Training and evaluation are CPU-bound and go to their
 * own queue, whose worker runs them in sandboxed processes one at a time; the rest is database work.
 * Training gets fewer attempts: a crash there is more often a bug or memory than a blip, and each try
 * costs minutes.
 */
export const STEP_POLICY: Record<TRetrainStep, TStepPolicy> = {
  snapshot: { queue: QUEUES.retrain, weight: 5, attempts: 5 },
  train: { queue: QUEUES.retrainCpu, weight: 70, attempts: 3 },
  evaluate: { queue: QUEUES.retrainCpu, weight: 15, attempts: 3 },
  gate: { queue: QUEUES.retrain, weight: 2, attempts: 5 },
  register: { queue: QUEUES.retrain, weight: 5, attempts: 5 },
  promote: { queue: QUEUES.retrain, weight: 3, attempts: 5 },
};

/** First retry delay; doubled on each further attempt. */
export const DEFAULT_STEP_BACKOFF_MS = 5_000;

/** A run's overall progress (0–100) from its steps' progress (0–100 each). */
export function runProgress(steps: Partial<Record<TRetrainStep, number>>): number {
  const total = RETRAIN_STEPS.reduce((s, k) => s + STEP_POLICY[k].weight, 0);
  const done = RETRAIN_STEPS.reduce((s, k) => s + (STEP_POLICY[k].weight * (steps[k] ?? 0)) / 100, 0);
  return Math.round((done / total) * 1000) / 10;
}

/** BullMQ job id of a run's step: deterministic, so enqueueing a run twice adds nothing the second time. */
export const stepJobId = (runId: string, step: TRetrainStep): string => `${runId}-${step}`;
