import { createHash } from 'node:crypto';
import { NoAnswerError, withTimeout } from '@acsa/core/deadline';
import { AppError } from '@acsa/core/errors';
import { LRUCache } from 'lru-cache';
import { sql, type TDb } from '../db/sql.ts';
import { AddressThrottle } from './address-throttle.ts';

export type TApiKeyPrincipal = {
  id: string;
  name: string;
  scopes: readonly string[];
  /** SECRET keys are for servers; PUBLISHABLE ones for web pages of their allowed origins. */
  kind: 'SECRET' | 'PUBLISHABLE';
  allowedOrigins: readonly string[];
};

/**
 * An answer given before the framework sees the request (see ApiKeyAuth.refuseEarly); `holdMs`: how long
 * to hold it before sending.
 */
export type TEarlyRefusal = { status: 401 | 429; body: string; retryAfter?: number; holdMs?: number };
const UNKNOWN_KEY: TEarlyRefusal = {
  status: 401,
  body: JSON.stringify(
    new AppError('UNAUTHENTICATED', 'unknown or revoked API key', { field: 'authorization' }).toJSON(),
  ),
};
const TOO_MANY_UNKNOWN: TEarlyRefusal = {
  status: 429,
  body: JSON.stringify(
    new AppError('RATE_LIMITED', 'too many requests with API keys this server does not know', {
      field: 'authorization',
    }).toJSON(),
  ),
};

export type TAuthRequest = {
  /** The scope the route needs (chat, feedback). */
  scope: string;
  /** The caller's address (request.ip): uncached lookups are throttled by it. */
  client?: string;
  /** The request's Origin header: a browser's page. */
  origin?: string | undefined;
};

/** How long a key's lookup is trusted: a revocation takes effect within this on every replica. */
const CACHE_TTL_MS = 30_000;
/**
 * A key seen valid within this long is still honoured while its lookup cannot be answered (PostgreSQL
 * away or silent, its breaker open, the pool busy). A revocation is written to that same database, and the
 * console's announcement of one reaches serving through Redis; one that serving cannot read and whose
 * announcement it misses (a partition of serving alone, the subscriber reconnecting) is honoured up to this
 * long instead of CACHE_TTL_MS.
 */
const LAST_KNOWN_MS = 10 * 60_000;
/** How often a key's lastUsedAt is written, per process. */
const TOUCH_EVERY_MS = 60_000;

export type TApiKeyAuthOptions = {
  /** Lookups of keys not in the cache, per client address: burst, then one per `refillMs`. */
  lookupsPerAddress?: { burst: number; refillMs: number };
  /** Lookups of uncached keys running at once in this process, whatever the address. */
  maxConcurrentLookups?: number;
  /**
   * How long an early refusal to an address out of lookups is held before it is sent (default 500 ms).
   * A client flooding random keys on keep-alive connections sends its next request only once answered:
   * held, each of its connections costs two requests a second instead of thousands, and the event loop
   * stays with the valid keys' turns (bench/serving/auth-flood.ts).
   */
  refusalHoldMs?: number;
  /** How long a lookup is trusted (default CACHE_TTL_MS); tests shorten it. */
  cacheTtlMs?: number;
  /**
   * How long a key seen valid waits for its lookup again before it is honoured as last known (default
   * 250 ms): a silent PostgreSQL would hold each of its requests for the pool's limits (seconds).
   */
  lookupAgainWithinMs?: number;
  /** After a lookup that could not be answered, how long the last known answer is used before another. */
  retryLookupAfterMs?: number;
};

/**
 * Storefront API keys, stored as sha256 (keys are 256-bit random, so a fast hash is enough). Known keys
 * and unknown ones are cached apart: a flood of random keys fills only the unknown-key cache and never
 * evicts a valid key. A key that is in neither cache costs a PostgreSQL lookup, so those lookups are
 * throttled per client address (and in total) before they are made: a client sending random keys is
 * answered 429 without touching the database, while cached keys, from any address, go on as before.
 */
export class ApiKeyAuth {
  private readonly known: LRUCache<string, TApiKeyPrincipal>;
  private readonly unknown: LRUCache<string, true>;
  /** Keys found valid lately, for when their lookup cannot be answered (LAST_KNOWN_MS). */
  private readonly lastKnown = new LRUCache<string, TApiKeyPrincipal>({ max: 10_000, ttl: LAST_KNOWN_MS });
  /** One lookup per key at a time: concurrent requests with an uncached key share it. */
  private readonly inFlight = new Map<string, Promise<TApiKeyPrincipal | null>>();
  private readonly throttle: AddressThrottle;
  private readonly touched = new Map<string, number>();
  private readonly maxConcurrent: number;
  private readonly holdMs: number;
  private readonly lookupAgainWithinMs: number;
  private readonly retryLookupAfterMs: number;

  constructor(
    private readonly db: TDb,
    options: TApiKeyAuthOptions = {},
  ) {
    this.throttle = new AddressThrottle(options.lookupsPerAddress ?? { burst: 20, refillMs: 1_000 });
    this.maxConcurrent = options.maxConcurrentLookups ?? 8;
    this.holdMs = options.refusalHoldMs ?? 500;
    const ttl = options.cacheTtlMs ?? CACHE_TTL_MS;
    this.known = new LRUCache({ max: 10_000, ttl });
    this.unknown = new LRUCache({ max: 50_000, ttl });
    this.lookupAgainWithinMs = options.lookupAgainWithinMs ?? 250;
    this.retryLookupAfterMs = options.retryLookupAfterMs ?? 5_000;
  }

  /** Who and what the request may do: `identify`, then `authorize`'s refusal thrown. */
  async authenticate(header: string | undefined, request: TAuthRequest): Promise<TApiKeyPrincipal> {
    const principal = await this.identify(header, request.client);
    const refusal = this.authorize(principal, request);
    if (refusal) throw refusal;
    return principal;
  }

  /** The key's principal, or UNAUTHENTICATED: who calls, before what they may do is checked. */
  async identify(header: string | undefined, client = 'unknown'): Promise<TApiKeyPrincipal> {
    const match = header?.match(/^Bearer\s+(\S{16,256})\s*$/i);
    if (!match?.[1]) {
      throw new AppError(
        'UNAUTHENTICATED',
        header
          ? 'the Authorization header must be "Bearer <API key>"'
          : 'missing Authorization header with a storefront API key',
        { field: 'authorization' },
      );
    }
    const hash = createHash('sha256').update(match[1]).digest('hex');
    const principal = this.known.get(hash) ?? (await this.uncached(hash, client));
    if (!principal)
      throw new AppError('UNAUTHENTICATED', 'unknown or revoked API key', { field: 'authorization' });
    return principal;
  }

  /**
   * Why this key may not make this request (a scope it lacks, an origin it is not bound to), or null, and
   * then the key's use is recorded. Returned, not thrown: the routes count a refused request against the
   * key's limits before answering it, or refusals would be the one thing a key could send without limit.
   */
  authorize(principal: TApiKeyPrincipal, { scope, origin }: Omit<TAuthRequest, 'client'>): AppError | null {
    if (!principal.scopes.includes(scope)) {
      return new AppError('FORBIDDEN', `this API key lacks the "${scope}" scope`, { field: 'authorization' });
    }
    const refusal = originRefusal(principal, origin);
    if (!refusal) this.touch(principal.id);
    return refusal;
  }

  /**
   * Records when a key was last used (the console's "last used"), at most once a minute per key and
   * process, off the request's path: a failed write costs the turn nothing.
   */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(id, now);
    this.db
      .query(sql`UPDATE "ApiKey" SET "lastUsedAt" = now() WHERE id = ${id}::uuid`)
      .catch(() => this.touched.delete(id));
  }

  /**
   * The refusal a request gets before any of the framework's work (routing, body parsing, hooks), or null
   * to let it through: a key known to be unknown is 401, and a key not cached at all from an address out of
   * lookups is 429. A flood of random keys then costs a hash and two cache probes a request, so the event
   * loop stays free for the turns of valid keys. Nothing is counted here: the full path still throttles.
   */
  refuseEarly(header: string | undefined, client: string | null): TEarlyRefusal | null {
    const key = header?.match(/^Bearer\s+(\S{16,256})\s*$/i)?.[1];
    if (!key) return null;
    const hash = createHash('sha256').update(key).digest('hex');
    if (this.known.has(hash) || this.lastKnown.has(hash) || this.inFlight.has(hash)) return null;
    const retryAfter = client === null ? 0 : this.throttle.wait(client);
    // An address out of lookups gets its refusals late, the same key again as well as new ones.
    const hold = retryAfter > 0 && this.holdMs > 0 ? { holdMs: this.holdMs } : {};
    if (this.unknown.has(hash)) return { ...UNKNOWN_KEY, ...hold };
    return retryAfter === 0 ? null : { ...TOO_MANY_UNKNOWN, retryAfter, ...hold };
  }

  /** A key was revoked (announced by the console): it is looked up afresh, and found revoked. */
  forgetKey(id: string): void {
    for (const cache of [this.known, this.lastKnown])
      for (const [hash, principal] of cache.entries()) if (principal.id === id) cache.delete(hash);
  }

  /**
   * A key found valid lately whose lookup is due: looked up again, and honoured as last known while the
   * lookup cannot be answered in time. Before, while PostgreSQL was away each of its requests waited on the
   * lookup and was refused, and once that address had used its lookups (20, then one a second), refused
   * 429 as a flood of unknown keys would be (`npx tsx bench/faults/run.ts`, postgres-silent).
   */
  /** A key the cache does not hold: found valid lately (lookupAgain), known unknown, or looked up. */
  private uncached(hash: string, client: string): Promise<TApiKeyPrincipal | null> | null {
    const last = this.lastKnown.get(hash);
    if (last) return this.lookupAgain(hash, last);
    return this.unknown.has(hash) ? null : this.lookup(hash, client);
  }

  private async lookupAgain(hash: string, last: TApiKeyPrincipal): Promise<TApiKeyPrincipal | null> {
    const lookup = this.lookup(hash, null);
    try {
      return await withTimeout(lookup, this.lookupAgainWithinMs, 'API key lookup');
    } catch (e) {
      if (!(e instanceof NoAnswerError || (e instanceof AppError && e.code === 'UNAVAILABLE'))) throw e;
      // A late answer still lands (a revocation found then takes effect at once); until then, no new lookup.
      this.known.set(hash, last, { ttl: this.retryLookupAfterMs });
      return last;
    }
  }

  /** `client` null: a key found valid lately, whose lookups are not an unknown key's to throttle. */
  private lookup(hash: string, client: string | null): Promise<TApiKeyPrincipal | null> {
    const pending = this.inFlight.get(hash);
    if (pending) return pending;
    const retryAfter =
      client === null ? 0 : this.inFlight.size >= this.maxConcurrent ? 1 : this.throttle.take(client);
    if (retryAfter > 0) {
      return Promise.reject(
        new AppError('RATE_LIMITED', 'too many requests with API keys this server does not know', {
          field: 'authorization',
          retryAfter,
        }),
      );
    }
    const p = this.query(hash).finally(() => this.inFlight.delete(hash));
    this.inFlight.set(hash, p);
    return p;
  }

  private async query(hash: string): Promise<TApiKeyPrincipal | null> {
    const [row] = await this.db.query<TApiKeyPrincipal & { revokedAt: Date | null }>(
      sql`SELECT id, name, scopes, kind, "allowedOrigins", "revokedAt" FROM "ApiKey" WHERE hash = ${hash}`,
    );
    if (!row || row.revokedAt) {
      this.known.delete(hash);
      this.lastKnown.delete(hash);
      this.unknown.set(hash, true);
      return null;
    }
    const principal: TApiKeyPrincipal = {
      id: row.id,
      name: row.name,
      scopes: row.scopes,
      kind: row.kind,
      allowedOrigins: row.allowedOrigins ?? [],
    };
    this.known.set(hash, principal);
    this.lastKnown.set(hash, principal);
    return principal;
  }
}

/**
 * A browser always names the page's origin on these requests. A secret key seen with one has leaked into a
 * web page: refused, so the mistake shows at once instead of the key staying exposed. A publishable key is
 * usable only from its own origins (a page elsewhere would borrow the shop's quota and name).
 */
function originRefusal(principal: TApiKeyPrincipal, origin: string | undefined): AppError | null {
  if (principal.kind === 'SECRET') {
    if (origin === undefined) return null;
    return new AppError(
      'FORBIDDEN',
      `a secret API key must not be used from a browser (this request comes from ${origin}): keep it on the shop's server, and give web pages a publishable key bound to their origin`,
      { field: 'authorization' },
    );
  }
  if (origin === undefined)
    return new AppError(
      'FORBIDDEN',
      'a publishable API key is accepted only from a web page of its allowed origins, and this request names no Origin',
      { field: 'origin' },
    );
  // Read by the page itself (CORS grants every origin, http/cors.ts): it is how a storefront developer
  // learns that the widget runs on an origin the key does not list (www., staging, another port).
  if (!principal.allowedOrigins.includes(origin))
    return new AppError(
      'FORBIDDEN',
      `this publishable API key is not allowed from ${origin}: a key is used only from the origins it lists, matched exactly (scheme, host and port; www. is another origin). Use a key that lists ${origin}, or make one in the console (Admin, API keys) with it among its allowed origins`,
      { field: 'origin' },
    );
  return null;
}
