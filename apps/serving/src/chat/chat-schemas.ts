import { z } from 'zod';

// PostgreSQL text cannot hold NUL: refused here as the client's mistake, not failed later as ours.
const NO_NUL = [(t: string) => !t.includes('\u0000'), 'must not contain NUL characters'] as const;

/**
 * A lone UTF-16 surrogate (text cut mid-emoji by a storefront that truncates, e.g. 'hi \ud83d') becomes
 * U+FFFD rather than a 400: unlike NUL it is a storefront's slip, not a shopper's request, and refusing it would
 * fail the shopper's message on every retry while the NLU never read half an emoji anyway. Left as it was,
 * PostgreSQL's jsonb refused it in the turn writer (a 500 "can be retried", forever), and `pg` silently turned
 * it into U+FFFD in text columns; every free-text field of a request goes through this.
 */
const wellFormed = (t: string) => t.toWellFormed();

const ZSessionToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be the sessionToken a previous reply of this session carried')
  .describe(
    'The token the first reply of a conversation carries. Send it with every later turn: without it, or with one that is unknown or expired, a turn starts a new conversation, whatever its sessionId.',
  );

export const makeChatSchemas = (maxTextLength: number) => {
  const ZChatRequest = z.strictObject({
    sessionId: z
      .string()
      .min(1, 'must not be empty')
      .max(128, 'must be at most 128 characters')
      .regex(/^[A-Za-z0-9._:-]+$/, 'may hold only letters, digits and . _ : -'),
    text: z
      .string()
      .overwrite(wellFormed)
      .max(maxTextLength, `must be at most ${maxTextLength} characters`)
      .refine((t) => t.trim().length > 0, 'must not be empty')
      .refine(...NO_NUL),
    sessionToken: ZSessionToken.optional(),
    customerToken: z.string().min(1).max(2048).optional(),
  });
  const ZFeedbackRequest = z
    .strictObject({
      sessionId: ZChatRequest.shape.sessionId,
      sessionToken: ZSessionToken,
      rating: z.number().int().min(1).max(5).optional(),
      thumbs: z.enum(['up', 'down']).optional(),
      comment: z
        .string()
        .overwrite(wellFormed)
        .max(2000)
        .refine(...NO_NUL)
        .optional(),
    })
    .refine((f) => f.rating !== undefined || f.thumbs !== undefined, {
      message: 'give a rating (1–5) or thumbs (up/down)',
      path: ['rating'],
    });
  return { ZChatRequest, ZFeedbackRequest };
};

export const ZChatResponse = z.object({
  sessionToken: z
    .string()
    .describe(
      'Continues this conversation: send it with the next turn (and with feedback). It changes when a new conversation starts, so keep the latest.',
    ),
  reply: z.string(),
  intent: z.string().nullable(),
  confidence: z.number(),
  entities: z.array(
    z.object({ type: z.string(), value: z.string(), start: z.number().int(), end: z.number().int() }),
  ),
  escalated: z.boolean(),
  escalationId: z.string().optional(),
  quickReplies: z
    .array(z.object({ label: z.string(), text: z.string() }))
    .optional()
    .describe('Answers the agent expects now (e.g. yes / no to a cancellation): show `label`, send `text`'),
  links: z
    .array(z.object({ title: z.string(), url: z.string() }))
    .optional()
    .describe('The help articles the reply draws on (when the server knows HELP_CENTER_URL)'),
  modelVersion: z.string(),
  variant: z.string().optional(),
});
export type TChatResponse = z.infer<typeof ZChatResponse>;

export const ZErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional().describe('The request field or header at fault'),
    requestId: z
      .string()
      .optional()
      .describe(
        'On 5xx answers: the id of this request (as in its X-Request-Id header), to quote when reporting the failure',
      ),
  }),
});
