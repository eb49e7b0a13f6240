import type { FastifyInstance } from 'fastify';

export type TCorsGrant = Record<
  'access-control-allow-origin' | 'access-control-expose-headers' | 'vary',
  string
>;

/**
 * The headers that let a page of `origin` read an answer from /v1/, or null without an Origin (not a
 * browser). Every origin gets them: which origins a key may be used from is the server's check on the
 * request itself (ApiKeyAuth's origin refusal, a 403 that names the origin), and a page must be able to read
 * that 403. Granting only the origins of live keys, as this once did, turned it into a network failure
 * for the page: a widget embedded on www. of a shop whose key allows the bare domain, or on staging, only
 * said "cannot be reached". Safe to grant anywhere because no credentials are allowed: the API reads
 * nothing a browser attaches on its own (no cookies), only the key and tokens the page itself sends.
 * Every /v1/ answer carries these, the early refusals too (http/early-refusal.ts).
 */
export function corsGrant(origin: string | undefined): TCorsGrant | null {
  if (!origin) return null;
  // Exposed: the widget waits as long as a 429 or 503 says before trying again; a page may tell a replayed
  // answer (Idempotency-Key) from a new one, and show the request id of a failed one to report it.
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'retry-after, idempotent-replayed, x-request-id',
    // The grant names the request's origin, so a cache must keep one answer per origin.
    vary: 'Origin',
  };
}

/**
 * CORS for the storefront API, for any origin and without credentials (see corsGrant). Written here rather
 * than with @fastify/cors because the early refusals, answered before Fastify, need the same grant.
 */
export function installCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const grant = corsGrant(request.headers.origin);
    if (grant) reply.headers(grant);
  });
  app.options('/v1/*', async (_request, reply) => {
    reply.header('access-control-allow-methods', 'POST');
    reply.header('access-control-allow-headers', 'authorization, content-type, idempotency-key');
    reply.header('access-control-max-age', '600');
    return reply.status(204).send();
  });
}
