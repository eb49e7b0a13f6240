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
  /**
   * How long one attempt may take before it fails as timed out (and is retried like any failure). Set to
   * catch a hung step, not to cut short a slow one: well above what the step takes with the full preset
   * on 2 cores. The trainer's `STEP_TIMEOUTS_MS` overrides them.
   */
  timeoutMs: number;
};

const MIN = 60_000;

/**
 * Where each step runs and how often it is tried. Training and evaluation are CPU-bound and go to their
 * own queue, whose worker runs them in sandboxed processes one at a time; the rest is database work.
 * Training gets fewer attempts: a crash there is more often a bug or memory than a blip, and each try
 * costs minutes.
 */
export const STEP_POLICY: Record<TRetrainStep, TStepPolicy> = {
  snapshot: { queue: QUEUES.retrain, weight: 5, attempts: 5, timeoutMs: 10 * MIN },
  // The full preset trains the bootstrap corpus in about 2 minutes on a quiet 2-core machine.
  train: { queue: QUEUES.retrainCpu, weight: 70, attempts: 3, timeoutMs: 120 * MIN },
  evaluate: { queue: QUEUES.retrainCpu, weight: 15, attempts: 3, timeoutMs: 20 * MIN },
  gate: { queue: QUEUES.retrain, weight: 2, attempts: 5, timeoutMs: 2 * MIN },
  register: { queue: QUEUES.retrain, weight: 5, attempts: 5, timeoutMs: 5 * MIN },
  promote: { queue: QUEUES.retrain, weight: 3, attempts: 5, timeoutMs: 5 * MIN },
};

export type TStepTimeouts = Record<TRetrainStep, number>;

/** Each step's time limit: the policy's, replaced by those in `overrides`. */
export function stepTimeouts(overrides: Partial<TStepTimeouts> = {}): TStepTimeouts {
  return Object.fromEntries(
    RETRAIN_STEPS.map((step) => [step, overrides[step] ?? STEP_POLICY[step].timeoutMs]),
  ) as TStepTimeouts;
}

/** First retry delay; doubled on each further attempt. */
export const DEFAULT_STEP_BACKOFF_MS = 5_000;

/**
 * How long the trainer that saw a step fail for good keeps trying to record it while PostgreSQL is away
 * (StepTracker). The retrain client takes such a failure for unrecorded (the trainer died) only a minute
 * after this, so the two never record one failure twice.
 */
export const FAILURE_RECORDING_MS = 10 * 60_000;

/**
 * How the trainer's workers notice a step whose worker died (BullMQ's stalled-job check): a worker renews
 * its lock on a step every `lockDurationMs / 2`; a step whose lock has lapsed is taken back by the next
 * check (every `stalledIntervalMs`) and run again from the start, so a dead trainer's step resumes within
 * about `lockDurationMs + 2 × stalledIntervalMs` once another trainer runs. CPU steps run in sandboxed
 * processes, so the trainer's own event loop is free to renew locks and the lock can stay short. A step
 * taken back more than `maxStalledCount` times fails without further retries: two trainer crashes are
 * bad luck, a third on the same step is more likely the step crashing the trainer.
 */
export const DEFAULT_STALLED_CHECK = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
} as const;
export type TStalledCheck = { lockDurationMs: number; stalledIntervalMs: number; maxStalledCount: number };

/** A run's overall progress (0–100) from its steps' progress (0–100 each). */
export function runProgress(steps: Partial<Record<TRetrainStep, number>>): number {
  const total = RETRAIN_STEPS.reduce((s, k) => s + STEP_POLICY[k].weight, 0);
  const done = RETRAIN_STEPS.reduce((s, k) => s + (STEP_POLICY[k].weight * (steps[k] ?? 0)) / 100, 0);
  return Math.round((done / total) * 1000) / 10;
}

/** BullMQ job id of a run's step: deterministic, so enqueueing a run twice adds nothing the second time. */
export const stepJobId = (runId: string, step: TRetrainStep): string => `${runId}-${step}`;

/** The run and step of a step job's id; null for any other id. */
export function parseStepJobId(jobId: string): { runId: string; step: TRetrainStep } | null {
  const at = jobId.lastIndexOf('-');
  const step = ZRetrainStep.safeParse(jobId.slice(at + 1));
  return at > 0 && step.success ? { runId: jobId.slice(0, at), step: step.data } : null;
}
