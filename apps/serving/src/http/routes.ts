import { AppError } from '@acsa/core/errors';
import { uuidv7 } from '@acsa/core/ids';
import type { FastifyInstance } from 'fastify';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import type { makeChatSchemas } from '../chat/chat-schemas.ts';
import type { createTurnHandler } from '../chat/handle-turn.ts';
import type { SessionStore } from '../chat/session-store.ts';
import { sql, type TDb } from '../db/sql.ts';
import type { ModelRegistry } from '../models/model-registry.ts';
import { fromZod } from './error-handler.ts';
import type { TMetrics } from './metrics.ts';
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
  metrics: TMetrics;
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

  app.post('/v1/chat', async (request) => {
    const principal = await d.auth.authenticate(request.headers.authorization, 'chat');
    const body = parse(d.schemas.ZChatRequest, request.body);
    // The session's state rides along with the rate limit's round trip to Redis.
    const read = d.sessions.prefetchKey(principal.id, body.sessionId) ?? undefined;
    const state = await d.limiter.check(principal.id, body.sessionId, { read });
    return d.handleTurn(principal, body, read === undefined ? undefined : state);
  });

  app.post('/v1/feedback', async (request, reply) => {
    const principal = await d.auth.authenticate(request.headers.authorization, 'feedback');
    const body = parse(d.schemas.ZFeedbackRequest, request.body);
    await d.limiter.check(principal.id, body.sessionId);
    // The session's latest conversation and its last agent message, in one statement with the insert.
    const [stored] = await d.db.query<{ id: string }>(sql`
      WITH conv AS (
        SELECT c.id, (SELECT m.id FROM "Message" m WHERE m."conversationId" = c.id AND m.role = 'AGENT'
                      ORDER BY m.seq DESC LIMIT 1) AS "messageId"
        FROM "Conversation" c WHERE c."sessionId" = ${body.sessionId} AND c."apiKeyId" = ${principal.id}::uuid
        ORDER BY c."lastMessageAt" DESC LIMIT 1)
      INSERT INTO "Feedback" (id, "conversationId", "messageId", rating, thumbs, comment, "createdAt")
      SELECT ${uuidv7()}::uuid, conv.id, conv."messageId", ${body.rating ?? null}::int,
             ${body.thumbs === undefined ? null : body.thumbs === 'up'}::boolean, ${body.comment ?? null}, now() AT TIME ZONE 'UTC'
      FROM conv RETURNING id`);
    if (!stored)
      throw new AppError('NOT_FOUND', 'this session has no conversation to rate yet', { field: 'sessionId' });
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
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', d.metrics.registry.contentType);
    return d.metrics.registry.metrics();
  });
  const doc = openApiDocument(d.schemas, d.version);
  app.get('/openapi.json', async () => doc);
}
