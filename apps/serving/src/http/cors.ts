import { AppError } from '@acsa/core/errors';
import type { FastifyInstance } from 'fastify';
import { sql, type TDb } from '../db/sql.ts';

export type TCorsGrant = Record<
  'access-control-allow-origin' | 'access-control-expose-headers' | 'vary',
  string
>;

/**
 * The origins of the active publishable keys. A preflight carries no API key, so it is answered from the
 * union of them; the request that follows is then checked against its own key's origins (ApiKeyAuth).
 */
export class OriginIndex {
  private origins = new Set<string>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly db: TDb,
    /** How stale the set may get; an unknown origin refreshes it sooner, at most every `recheckMs`. */
    private readonly ttlMs = 30_000,
    private readonly recheckMs = 5_000,
  ) {}

  /**
   * The headers that let a page of `origin` read an answer from /v1/, or null when no live publishable key
   * allows it (no Origin: not a browser). Every /v1/ answer carries these, the early refusals too
   * (http/early-refusal.ts): without them a browser sees a network failure instead of the answer.
   */
  async grant(origin: string | undefined): Promise<TCorsGrant | null> {
    if (!origin || !(await this.allows(origin))) return null;
    // Exposed: the widget waits as long as a 429 or 503 says before trying again; a page may tell a replayed
    // answer (Idempotency-Key) from a new one, and show the request id of a failed one to report it.
    return {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': 'retry-after, idempotent-replayed, x-request-id',
      vary: 'Origin',
    };
  }

  async allows(origin: string): Promise<boolean> {
    const age = Date.now() - this.loadedAt;
    if (age > this.ttlMs || (!this.origins.has(origin) && age > this.recheckMs)) await this.reload();
    return this.origins.has(origin);
  }

  private reload(): Promise<void> {
    this.loading ??= this.db
      .query<{ origin: string }>(
        sql`SELECT DISTINCT unnest("allowedOrigins") AS origin FROM "ApiKey"
            WHERE kind = 'PUBLISHABLE' AND "revokedAt" IS NULL`,
      )
      .then((rows) => {
        this.origins = new Set(rows.map((r) => r.origin));
        this.loadedAt = Date.now();
      })
      // PostgreSQL away: keep answering from the last set, and try again on the next request.
      .catch(() => undefined)
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}

/**
 * CORS for the storefront API: only origins some publishable key allows get a grant, so a page anywhere
 * else can neither preflight nor read an answer. Written here rather than with @fastify/cors because the
 * grant depends on the keys in the database, and the preflight cannot name its key.
 */
export function installCors(app: FastifyInstance, index: OriginIndex): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const grant = await index.grant(request.headers.origin);
    if (grant) reply.headers(grant);
  });
  app.options('/v1/*', async (_request, reply) => {
    if (!reply.hasHeader('access-control-allow-origin')) {
      throw new AppError('FORBIDDEN', 'this origin is not allowed by any publishable API key', {
        field: 'origin',
      });
    }
    reply.header('access-control-allow-methods', 'POST');
    reply.header('access-control-allow-headers', 'authorization, content-type, idempotency-key');
    reply.header('access-control-max-age', '600');
    return reply.status(204).send();
  });
}
