import { z } from 'zod';
import { type makeChatSchemas, ZChatResponse, ZErrorResponse } from '../chat/chat-schemas.ts';

const json = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
});
const requestIdHeader = {
  'X-Request-Id': {
    description:
      "This request's id: the caller's own X-Request-Id when it is 8 to 64 of A–Z a–z 0–9 . _ : -, else a new UUID",
    schema: { type: 'string' },
  },
};
const error = (description: string) => ({
  description,
  headers: requestIdHeader,
  content: json(ZErrorResponse),
});
/**
 * An answer to wait out and send again (409, 429, 503): the widget's client waits at least Retry-After, so a
 * client written from this document should too.
 */
const retryLater = (description: string) => ({
  ...error(description),
  headers: {
    ...requestIdHeader,
    'Retry-After': { description: 'Seconds to wait before sending again', schema: { type: 'integer' } },
  },
});
/** The shop database's circuit breaker (db/pg-breaker.ts) answers UNAVAILABLE while it is open or busy. */
const DB_UNAVAILABLE = 'the shop database is unavailable or busy (`error.code` UNAVAILABLE)';

/** The optional Idempotency-Key header, as IdempotencyStore.parse accepts it (chat/idempotency.ts). */
const idempotencyKeyHeader = (description: string) => ({
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 16, maxLength: 255, pattern: '^[\\x21-\\x7e]{16,255}$' },
  description,
});

/** The OpenAPI 3.1 document, built from the same zod schemas that validate requests. */
export function openApiDocument(schemas: ReturnType<typeof makeChatSchemas>, version: string) {
  const common = {
    '400': error('Malformed body or header: the message names the field'),
    '401': error('No or unknown API key, or an invalid customer token'),
    '403': error('The API key lacks the scope, or is used from an origin it does not allow'),
    '413': error('Body too large'),
    '415': error('Body is not application/json'),
    '429': retryLater('Rate limited; see Retry-After'),
    '500': error('Our failure: quote `error.requestId` when reporting it'),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'ACSA serving API',
      version,
      description:
        'The storefront chat API of the ACSA support agent. Conversations: the first turn of a conversation ' +
        'is answered with a server-issued `sessionToken`; a later turn continues that conversation only when ' +
        'it carries the token. A turn with a `sessionId` alone, an unknown or expired token, or the token of ' +
        'a conversation that belongs to another customer (`customerToken`) starts a new conversation with a ' +
        'new token: nothing the other conversation verified or said reaches it. Feedback names its ' +
        'conversation by `sessionId` and `sessionToken`. Every answer carries an `X-Request-Id` header, and ' +
        'a 5xx answer its `error.requestId` too: quote it when reporting a failure.',
    },
    components: {
      securitySchemes: {
        storefrontKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            "Storefront API key. A secret key is for the shop's server and is refused on a request with an " +
            'Origin header (from a browser). A publishable key may sit in a web page: it is accepted only with ' +
            'an Origin it lists (matched exactly), for chat and feedback, rate-limited per client address as ' +
            'well as per session and key. CORS is granted to every origin, without credentials, so that a page ' +
            'on an origin its key does not list reads the 403 that names the origin instead of a network error.',
        },
      },
    },
    security: [{ storefrontKey: [] }],
    paths: {
      '/v1/chat': {
        post: {
          summary: 'One chat turn: the shopper says something, the agent answers',
          parameters: [
            idempotencyKeyHeader(
              'A new random UUID per message, the same on each retry of it: a retry of a message already ' +
                'answered (the same text) gets that answer again, marked `Idempotent-Replayed: true`, instead of ' +
                'a second turn. Answers are kept 24 h, sealed by this key: it must not be guessable. Visible ' +
                'ASCII, 16 to 255 characters.',
            ),
          ],
          requestBody: { required: true, content: json(schemas.ZChatRequest) },
          responses: {
            '200': {
              description: "The agent's reply",
              headers: {
                ...requestIdHeader,
                'Idempotent-Replayed': {
                  description:
                    'true: this is the answer given to an earlier attempt with this Idempotency-Key',
                  schema: { type: 'string' },
                },
              },
              content: json(ZChatResponse),
            },
            ...common,
            '409': retryLater(
              'Another message of the session is still being answered (or this one, sent again with its Idempotency-Key: see Retry-After)',
            ),
            '422': error('The Idempotency-Key was sent before with another text'),
            '503': retryLater(`No model loaded yet, or ${DB_UNAVAILABLE}; see Retry-After`),
          },
        },
      },
      '/v1/feedback': {
        post: {
          summary: "CSAT rating (1–5) or thumbs for the session's conversation",
          parameters: [
            idempotencyKeyHeader(
              'A new random UUID per feedback, the same on each retry of it: a retry of feedback already ' +
                'stored is answered 204 again, marked `Idempotent-Replayed: true`, and counted once. Kept as ' +
                'long as the feedback, per conversation. Visible ASCII, 16 to 255 characters.',
            ),
          ],
          requestBody: { required: true, content: json(schemas.ZFeedbackRequest) },
          responses: {
            '204': {
              description: 'Stored (or, for a retry with its Idempotency-Key, stored before)',
              headers: {
                ...requestIdHeader,
                'Idempotent-Replayed': {
                  description:
                    'true: this feedback was stored by an earlier attempt with this Idempotency-Key',
                  schema: { type: 'string' },
                },
              },
            },
            ...common,
            '404': error('No conversation of this sessionId holds this sessionToken'),
            '422': error('The Idempotency-Key was sent before with other feedback'),
            '503': retryLater(`The feedback was not stored: ${DB_UNAVAILABLE}; see Retry-After`),
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'Up' } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: a model is loaded',
          security: [],
          responses: { '200': { description: 'Ready' }, '503': error('No model loaded') },
        },
      },
    },
  };
}
