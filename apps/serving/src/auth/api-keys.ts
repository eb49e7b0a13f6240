import { createHash } from 'node:crypto';
import { AppError } from '@acsa/core/errors';
import { LRUCache } from 'lru-cache';
import { sql, type TDb } from '../db/sql.ts';

export type TApiKeyPrincipal = { id: string; name: string; scopes: readonly string[] };

/** How long a key's lookup is trusted: a revocation takes effect within this on every replica. */
const CACHE_TTL_MS = 30_000;
const NEGATIVE = { id: '', name: '', scopes: [] } as TApiKeyPrincipal;

/**
 * Storefront API keys, stored as sha256 (keys are 256-bit random, so a fast hash is enough). Lookups are
 * cached per process, unknown keys too, so a flood of bad keys cannot turn into a flood of queries.
 */
export class ApiKeyAuth {
  private readonly cache = new LRUCache<string, TApiKeyPrincipal>({ max: 10_000, ttl: CACHE_TTL_MS });
  constructor(private readonly db: TDb) {}

  async authenticate(header: string | undefined, scope: string): Promise<TApiKeyPrincipal> {
    const match = header?.match(/^Bearer\s+(\S{16,256})\s*$/i);
    if (!match?.[1]) {
      throw new AppError(
        'UNAUTHENTICATED',
        header
          ? 'the Authorization header must be "Bearer <API key>"'
          : 'missing Authorization header with a storefront API key',
        {
          field: 'authorization',
        },
      );
    }
    const hash = createHash('sha256').update(match[1]).digest('hex');
    let principal = this.cache.get(hash);
    if (!principal) {
      const [row] = await this.db.query<{
        id: string;
        name: string;
        scopes: string[];
        revokedAt: Date | null;
      }>(sql`SELECT id, name, scopes, "revokedAt" FROM "ApiKey" WHERE hash = ${hash}`);
      principal = row && !row.revokedAt ? { id: row.id, name: row.name, scopes: row.scopes } : NEGATIVE;
      this.cache.set(hash, principal);
    }
    if (principal === NEGATIVE)
      throw new AppError('UNAUTHENTICATED', 'unknown or revoked API key', { field: 'authorization' });
    if (!principal.scopes.includes(scope)) {
      throw new AppError('FORBIDDEN', `this API key lacks the "${scope}" scope`, { field: 'authorization' });
    }
    return principal;
  }
}
