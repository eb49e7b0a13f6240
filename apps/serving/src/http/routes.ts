import { AppError } from '@acsa/core/errors';
import { contextFrom, SpanKind, withSpan } from '@acsa/core/tracing';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import type { makeChatSchemas, TChatResponse } from '../chat/chat-schemas.ts';
import type { createTurnHandler } from '../chat/handle-turn.ts';
import { IDEMPOTENCY_HEADER, IdempotencyStore } from '../chat/idempotency.ts';
import type { SessionStore } from '../chat/session-store.ts';
import { sessionTokenHash } from '../chat/session-token.ts';
import type { TDb } from '../db/sql.ts';
import type { ModelRegistry } from '../models/model-registry.ts';
import { storeFeedback } from '../persist/feedback-store.ts';
import { admitAndCount, countRefusedBodies, type TAdmitOptions, type TAdmitted } from './admission.ts';
import { errorBody } from './error-handler.ts';
import { openApiDocument } from './openapi.ts';
import type { RateLimiter } from './rate-limit.ts';

type TChatBody = z.infer<ReturnType<typeof makeChatSchemas>['ZChatRequest']>;
type TChatPrepared = { tokenHash: string | undefined; read: string | undefined };

export type TRouteDeps = {
  db: TDb;
  auth: ApiKeyAuth;
  limiter: RateLimiter;
  sessions: SessionStore;
  idempotency: IdempotencyStore;
  registry: ModelRegistry;
  handleTurn: ReturnType<typeof createTurnHandler>;
  schemas: ReturnType<typeof makeChatSchemas>;
  version: string;
};

/**
 * Thin transport: identify the key, rate-limit, answer a refusal or call one function. Every request with a
 * known key is counted against the key's and the address's limits before any refusal is answered (scope,
 * origin, body), so that what is refused cannot be sent without limit; the session's limit counts valid
 * requests only. Either way one round trip to Redis, batched with the other requests' (RateLimiter).
 */
export function registerRoutes(app: FastifyInstance, d: TRouteDeps): void {
  const refusedBodies = { errorHandler: countRefusedBodies(d.auth, d.limiter) };

  // Made once, not per turn.
  const chat: TAdmitOptions<TChatBody, TChatPrepared> = {
    scope: 'chat',
    schema: d.schemas.ZChatRequest,
    // The session's state rides along with the rate limit's round trip to Redis.
    prepare: (principal, body) => {
      const tokenHash = body.sessionToken ? sessionTokenHash(body.sessionToken) : undefined;
      const read =
        (tokenHash && d.sessions.prefetchKey(principal.id, body.sessionId, tokenHash)) || undefined;
      return { tokenHash, read };
    },
  };
  const chatTurn = ({ principal, body, prepared, state }: TAdmitted<TChatBody, TChatPrepared>) =>
    d.handleTurn(principal, body, {
      ...(prepared.tokenHash ? { tokenHash: prepared.tokenHash } : {}),
      ...(prepared.read === undefined ? {} : { state }),
    });
  // A message named by an Idempotency-Key is answered once: a retry gets the first answer again.
  const onceChatTurn = async (
    admitted: TAdmitted<TChatBody, TChatPrepared>,
    key: string,
    reply: FastifyReply,
  ): Promise<TChatResponse> => {
    const scope = { apiKeyId: admitted.principal.id, sessionId: admitted.body.sessionId };
    const claim = await d.idempotency.claim<TChatResponse>(scope, key, admitted.body.text);
    if (claim.kind === 'replay') {
      reply.header('idempotent-replayed', 'true');
      return claim.response;
    }
    try {
      const response = await chatTurn(admitted);
      await claim.answered(response);
      return response;
    } catch (e) {
      await claim.failed();
      throw e;
    }
  };

  // One trace per turn, continuing the caller's when it sends a traceparent.
  app.post('/v1/chat', refusedBodies, (request, reply) =>
    withSpan(
      'POST /v1/chat',
      (span) => {
        // The error handler and the response hook log after the span's callback has returned, outside
        // its context: the request's own logger carries the ids, so a failed turn's lines name its trace.
        if (span) {
          const { traceId, spanId } = span.spanContext();
          request.log = request.log.child({ traceId, spanId });
        }
        const options = span ? { ...chat, span } : chat;
        if (request.headers[IDEMPOTENCY_HEADER] === undefined)
          return admitAndCount(d, request, options, chatTurn);
        // Checked once the request is counted, as the body is: a bad header is no free request.
        return admitAndCount(d, request, options, (a) =>
          onceChatTurn(a, IdempotencyStore.parse(request.headers[IDEMPOTENCY_HEADER]) as string, reply),
        );
      },
      {
        kind: SpanKind.SERVER,
        parent: contextFrom(request.headers.traceparent),
        attributes: { 'http.request.method': 'POST', 'http.route': '/v1/chat' },
      },
    ),
  );

  app.post('/v1/feedback', refusedBodies, (request, reply) =>
    admitAndCount(
      d,
      request,
      { scope: 'feedback', schema: d.schemas.ZFeedbackRequest },
      async ({ principal, body }) => {
        // Checked once the request is counted, as chat's is. A retry with the key is answered as the
        // first attempt was (204), marked as chat's replays are.
        const key = IdempotencyStore.parse(request.headers[IDEMPOTENCY_HEADER]) ?? null;
        const { replayed } = await storeFeedback(d.db, principal.id, body, key);
        if (replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(204).send();
      },
    ),
  );

  app.get('/healthz', async () => ({ status: 'ok', service: 'serving', version: d.version }));
  app.get('/readyz', async (request, reply) => {
    const model = d.registry.production;
    if (!model) {
      reply.header('retry-after', '5');
      return reply
        .status(503)
        .send(errorBody(new AppError('MODEL_NOT_READY', 'no model is loaded yet'), request.id));
    }
    return { status: 'ready', modelVersion: model.version };
  });
  const doc = openApiDocument(d.schemas, d.version);
  app.get('/openapi.json', async () => doc);
}
