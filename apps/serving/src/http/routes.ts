import { AppError } from '@acsa/core/errors';
import { uuidv7 } from '@acsa/core/ids';
import { contextFrom, SpanKind, withSpan } from '@acsa/core/tracing';
import type { FastifyInstance } from 'fastify';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import type { makeChatSchemas } from '../chat/chat-schemas.ts';
import type { createTurnHandler } from '../chat/handle-turn.ts';
import type { SessionStore } from '../chat/session-store.ts';
import { sessionTokenHash } from '../chat/session-token.ts';
import { sql, type TDb } from '../db/sql.ts';
import type { ModelRegistry } from '../models/model-registry.ts';
import { fromZod } from './error-handler.ts';
import { openApiDocument } from './openapi.ts';
import type { RateLimiter } from './rate-limit.ts';

export type TRouteDeps = {
  db: TDb;
  auth: ApiKeyAuth;
  limiter: RateLimiter;
  sessions: SessionStore;
  registry: ModelRegistry;
  handleTurn: ReturnType<typeof createTurnHandler>;
  schemas: ReturnType<typeof makeChatSchemas>;
  version: string;
};

/** Thin transport: authenticate, rate-limit, validate, call one function. */
export function registerRoutes(app: FastifyInstance, d: TRouteDeps): void {
  const parse = <T>(
    schema: {
      safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError };
    },
    body: unknown,
  ): T => {
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new AppError('BAD_REQUEST', 'the body must be a JSON object');
    }
    const r = schema.safeParse(body);
    if (!r.success) throw fromZod(r.error);
    return r.data;
  };

  // One trace per turn, continuing the caller's when it sends a traceparent.
  app.post('/v1/chat', (request) =>
    withSpan(
      'POST /v1/chat',
      async (span) => {
        // The error handler and the response hook log after the span's callback has returned, outside
        // its context: the request's own logger carries the ids, so a failed turn's lines name its trace.
        if (span) {
          const { traceId, spanId } = span.spanContext();
          request.log = request.log.child({ traceId, spanId });
        }
        const principal = await withSpan('auth', () =>
          d.auth.authenticate(request.headers.authorization, {
            scope: 'chat',
            client: request.ip,
            origin: request.headers.origin,
          }),
        );
        const body = parse(d.schemas.ZChatRequest, request.body);
        span?.setAttribute('acsa.session_id', body.sessionId);
        // The session's state rides along with the rate limit's round trip to Redis.
        const tokenHash = body.sessionToken ? sessionTokenHash(body.sessionToken) : undefined;
        const read =
          (tokenHash && d.sessions.prefetchKey(principal.id, body.sessionId, tokenHash)) || undefined;
        const state = await withSpan(
          'rate-limit',
          () =>
            d.limiter.check(principal.id, body.sessionId, {
              read,
              ...(principal.kind === 'PUBLISHABLE' ? { address: request.ip } : {}),
            }),
          { attributes: { 'acsa.session.prefetched': read !== undefined } },
        );
        return d.handleTurn(principal, body, {
          ...(tokenHash ? { tokenHash } : {}),
          ...(read === undefined ? {} : { state }),
        });
      },
      {
        kind: SpanKind.SERVER,
        parent: contextFrom(request.headers.traceparent),
        attributes: { 'http.request.method': 'POST', 'http.route': '/v1/chat' },
      },
    ),
  );

  app.post('/v1/feedback', async (request, reply) => {
    const principal = await d.auth.authenticate(request.headers.authorization, {
      scope: 'feedback',
      client: request.ip,
      origin: request.headers.origin,
    });
    const body = parse(d.schemas.ZFeedbackRequest, request.body);
    await d.limiter.check(
      principal.id,
      body.sessionId,
      principal.kind === 'PUBLISHABLE' ? { address: request.ip } : {},
    );
    // The session's latest conversation and its last agent message, in one statement with the insert.
    const [stored] = await d.db.query<{ id: string }>(sql`
      WITH conv AS (
        SELECT c.id, (SELECT m.id FROM "Message" m WHERE m."conversationId" = c.id AND m.role = 'AGENT'
                      ORDER BY m.seq DESC LIMIT 1) AS "messageId"
        FROM "Conversation" c WHERE c."sessionId" = ${body.sessionId} AND c."apiKeyId" = ${principal.id}::uuid
          AND c.state->>'sessionTokenHash' = ${sessionTokenHash(body.sessionToken)}
        ORDER BY c."lastMessageAt" DESC LIMIT 1)
      INSERT INTO "Feedback" (id, "conversationId", "messageId", rating, thumbs, comment, "createdAt")
      SELECT ${uuidv7()}::uuid, conv.id, conv."messageId", ${body.rating ?? null}::int,
             ${body.thumbs === undefined ? null : body.thumbs === 'up'}::boolean, ${body.comment ?? null}, now() AT TIME ZONE 'UTC'
      FROM conv RETURNING id`);
    if (!stored)
      throw new AppError('NOT_FOUND', 'no conversation of this sessionId holds this sessionToken', {
        field: 'sessionToken',
      });
    return reply.status(204).send();
  });

  app.get('/healthz', async () => ({ status: 'ok', service: 'serving', version: d.version }));
  app.get('/readyz', async (_request, reply) => {
    const model = d.registry.production;
    if (!model) {
      reply.header('retry-after', '5');
      return reply.status(503).send(new AppError('MODEL_NOT_READY', 'no model is loaded yet').toJSON());
    }
    return { status: 'ready', modelVersion: model.version };
  });
  const doc = openApiDocument(d.schemas, d.version);
  app.get('/openapi.json', async () => doc);
}
