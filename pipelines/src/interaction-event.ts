import { z } from 'zod';

/**
 * What serving tells analytics and drift about one chat turn. The turn itself, the customer's text with
 * it, is already in PostgreSQL under `messageId`: the event carries none of it, since a queued, kept or
 * dead-lettered job sits in Redis, where whoever can list queues reads it. A consumer that needs the text
 * reads the message (drift does).
 */
export const ZInteractionEvent = z.object({
  version: z.literal(2),
  messageId: z.string().uuid(),
  conversationId: z.string().uuid(),
  sessionId: z.string(),
  at: z.string().datetime(),
  intent: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  topK: z.array(z.object({ intent: z.string(), confidence: z.number() })),
  outOfScope: z.boolean(),
  lowConfidence: z.boolean(),
  entityTypes: z.array(z.string()),
  modelVersion: z.string(),
  modelVersionId: z.string().uuid().nullable(),
  variant: z.string().nullable(),
  escalated: z.boolean(),
  latencyMs: z.number().nonnegative(),
  /**
   * The turn's trace (W3C traceparent) when serving traces: the analytics job that records the event
   * continues it. Optional, so events of before it, and of untraced replicas, stay valid.
   */
  traceparent: z
    .string()
    .regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/)
    .optional(),
});
export type TInteractionEvent = z.infer<typeof ZInteractionEvent>;

/**
 * An event as queued or kept before version 2 (with the customer's `text`), or any other payload, made
 * current: a version 1 event loses its text and becomes version 2, which is all that changed. Used where
 * old events are read: the consumer (so jobs queued before the change still count) and serving's outbox
 * relay (so rows spilled before it reach Redis without the text).
 */
export function upgradeInteractionEvent(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || (event as { version?: unknown }).version !== 1)
    return event;
  const { text: _text, ...rest } = event as Record<string, unknown>;
  return { ...rest, version: 2 };
}

/**
 * Job names on QUEUES.interactions. Serving publishes `turns`: the events of one flush in one job, since a
 * job per turn cost serving more CPU than the rest of the turn's Redis work. `turn` (one event as the whole
 * payload) is still consumed, so jobs queued before the change are not stranded.
 */
export const INTERACTION_JOBS = { batch: 'turns', single: 'turn' } as const;
/** The most events one `turns` job carries. */
export const MAX_INTERACTION_BATCH = 500;

/** A `turns` job's payload. Its events are checked one by one, so one bad event cannot void the others. */
export const ZInteractionBatch = z.object({
  events: z.array(z.unknown()).min(1).max(MAX_INTERACTION_BATCH),
});
export type TInteractionBatch = { events: TInteractionEvent[] };

export type TParsedInteractions = {
  events: TInteractionEvent[];
  /** Each event that failed validation: its position in the job and the first problem, field first. */
  rejected: { index: number; reason: string }[];
};

const problem = (error: z.ZodError) => {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
};

/**
 * The events of an interactions job, of either job name, each validated on its own. A payload that is not
 * a batch at all is one rejected event at index 0 (the shape of a `turn` job).
 */
export function parseInteractionJob(name: string, data: unknown): TParsedInteractions {
  let items: unknown[] = [data];
  if (name === INTERACTION_JOBS.batch) {
    const batch = ZInteractionBatch.safeParse(data);
    if (!batch.success) return { events: [], rejected: [{ index: 0, reason: problem(batch.error) }] };
    items = batch.data.events;
  }
  const out: TParsedInteractions = { events: [], rejected: [] };
  items.forEach((item, index) => {
    const parsed = ZInteractionEvent.safeParse(upgradeInteractionEvent(item));
    if (parsed.success) out.events.push(parsed.data);
    else out.rejected.push({ index, reason: problem(parsed.error) });
  });
  return out;
}

/**
 * A job's payload with its events made current (upgradeInteractionEvent), or null when none needed it: the
 * consumer stores it back, so a job queued before version 2 keeps no text once it is done or has failed.
 */
export function upgradeInteractionJob(name: string, data: unknown): unknown {
  if (name !== INTERACTION_JOBS.batch) {
    const upgraded = upgradeInteractionEvent(data);
    return upgraded === data ? null : upgraded;
  }
  const events = (data as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return null;
  const upgraded = events.map(upgradeInteractionEvent);
  return upgraded.some((e, i) => e !== events[i]) ? { ...(data as object), events: upgraded } : null;
}

/** The payload of an alias-move announcement on MODEL_ALIAS_CHANNEL. */
export const ZAliasMoved = z.object({
  alias: z.string(),
  versionId: z.string().uuid().nullable(),
  at: z.string(),
});
export type TAliasMoved = z.infer<typeof ZAliasMoved>;
