import { z } from 'zod';

/** What serving tells analytics and drift about one chat turn (the turn itself is already in PostgreSQL). */
export const ZInteractionEvent = z.object({
  version: z.literal(1),
  messageId: z.string().uuid(),
  conversationId: z.string().uuid(),
  sessionId: z.string(),
  at: z.string().datetime(),
  text: z.string(),
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
});
export type TInteractionEvent = z.infer<typeof ZInteractionEvent>;

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
    const parsed = ZInteractionEvent.safeParse(item);
    if (parsed.success) out.events.push(parsed.data);
    else out.rejected.push({ index, reason: problem(parsed.error) });
  });
  return out;
}

/** The payload of an alias-move announcement on MODEL_ALIAS_CHANNEL. */
export const ZAliasMoved = z.object({
  alias: z.string(),
  versionId: z.string().uuid().nullable(),
  at: z.string(),
});
export type TAliasMoved = z.infer<typeof ZAliasMoved>;
