import { z } from 'zod';
import { ZPromotionMode } from './config.ts';
import { ZRetrainStep } from './steps.ts';

/**
 * One step of one run. The payload names the run only: the run's configuration lives in PostgreSQL with
 * the run, and what earlier steps produced reaches a step as its child job's return value.
 */
export const ZRetrainStepJob = z.object({
  v: z.literal(1),
  runId: z.uuid(),
  step: ZRetrainStep,
});
export type TRetrainStepJob = z.infer<typeof ZRetrainStepJob>;

/** Jobs on the triggers queue, added by the job schedulers. */
export const ZTriggerJob = z.discriminatedUnion('kind', [
  z.object({ v: z.literal(1), kind: z.literal('label-check') }),
  z.object({ v: z.literal(1), kind: z.literal('experiment-check') }),
  z.object({ v: z.literal(1), kind: z.literal('run-check') }),
  z.object({ v: z.literal(1), kind: z.literal('run-dir-sweep') }),
  z.object({ v: z.literal(1), kind: z.literal('experiment-results') }),
  z.object({ v: z.literal(1), kind: z.literal('scheduled-retrain'), mode: ZPromotionMode.optional() }),
]);
export type TTriggerJob = z.infer<typeof ZTriggerJob>;

export const ZLogLevel = z.enum(['debug', 'info', 'warn', 'error']);

/**
 * What a step reports while it runs (BullMQ job progress): its own 0–100 and the log lines written since
 * the last report. The trainer stores both with the run, so the console shows live progress and logs.
 */
export const ZStepProgress = z.object({
  percent: z.number().min(0).max(100),
  detail: z.string().optional(),
  logs: z.array(z.object({ level: ZLogLevel, message: z.string(), at: z.string() })).default([]),
});
export type TStepProgress = z.infer<typeof ZStepProgress>;
