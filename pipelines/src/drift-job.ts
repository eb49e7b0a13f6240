import { z } from 'zod';

/** Not in QUEUES on purpose: drift checks are the trainer's own schedule, nobody else enqueues them. */
export const DRIFT_QUEUE = 'acsa.drift.v1';
export const DRIFT_SCHEDULER_ID = 'drift-check';
export const DRIFT_WINDOW_MS = 60 * 60 * 1000;

/** One scheduled run: reports every complete window since the last report (at most `maxWindows`). */
export const ZDriftCheckJob = z.object({
  windowMs: z.number().int().positive().default(DRIFT_WINDOW_MS),
  /** A window closes this long after its end, so turns being written at the boundary are in it. */
  graceMs: z.number().int().nonnegative().default(30_000),
  /** After downtime, catch up on this many windows at most; older ones are not worth an alert any more. */
  maxWindows: z.number().int().positive().default(24),
});
export type TDriftCheckJob = z.infer<typeof ZDriftCheckJob>;

/** What a drift alert hands to whoever reacts to it (the retraining trigger, a pager). */
export const ZDriftAlert = z.object({
  reportId: z.string().uuid(),
  modelVersionId: z.string().uuid(),
  modelVersion: z.string(),
  windowStart: z.string().datetime(),
  windowEnd: z.string().datetime(),
  n: z.number().int(),
  breaches: z.array(
    z.object({
      metric: z.string(),
      value: z.number(),
      threshold: z.number(),
      /** An `intentShare` breach's intent: `value` is its window share, `threshold` its reference share. */
      intent: z.string().optional(),
      p: z.number().optional(),
    }),
  ),
});
export type TDriftAlert = z.infer<typeof ZDriftAlert>;

/**
 * One line for a retraining run's reason: "drift on intent-2026.11.26-1: intentPsi 0.78 > 0.64, intentShare
 * track_order 0.047 → 0.089, …" (an intent's share moves either way, so it reads as from → to).
 */
export function driftAlertReason(a: TDriftAlert): string {
  const parts = a.breaches.map((b) =>
    b.intent === undefined
      ? `${b.metric} ${b.value.toFixed(3)} > ${b.threshold.toFixed(3)}`
      : `${b.metric} ${b.intent} ${b.threshold.toFixed(3)} → ${b.value.toFixed(3)}`,
  );
  return `drift on ${a.modelVersion} (${a.windowStart} – ${a.windowEnd}, ${a.n} turns): ${parts.join(', ')}`.slice(
    0,
    500,
  );
}
