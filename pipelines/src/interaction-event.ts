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

/** The payload of an alias-move announcement on MODEL_ALIAS_CHANNEL. */
export const ZAliasMoved = z.object({
  alias: z.string(),
  versionId: z.string().uuid().nullable(),
  at: z.string(),
});
export type TAliasMoved = z.infer<typeof ZAliasMoved>;
