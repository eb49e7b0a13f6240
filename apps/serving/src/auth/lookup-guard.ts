import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * Who an ownership check was for. An order (or invoice) number is counted across every session and key, so
 * a guesser cannot start again at zero with a new sessionId; the email an anonymous shopper gave, or the
 * signed-in customer, is counted per storefront key.
 */
export type TLookupSubject =
  | { kind: 'order'; number: number }
  | { kind: 'invoice'; number: string }
  | { kind: 'email'; email: string }
  | { kind: 'customer'; id: string };

/** Failed checks allowed per subject inside the window; the next check of that subject is refused. */
export const LOOKUP_LIMITS = { order: 3, invoice: 3, email: 5, customer: 10 } as const;
export const LOOKUP_WINDOW_MS = 15 * 60_000;

/** One storefront key's view of the failed ownership checks (see createLookupGuard). */
export type TLookupGuard = {
  /** True when any subject had its limit of failed checks inside the window: refuse before any lookup. */
  isLocked(subjects: readonly TLookupSubject[]): Promise<boolean>;
  recordFailure(subjects: readonly TLookupSubject[]): Promise<void>;
};

// Emails are hashed in the key: Redis keys are listed by tools that are not meant to show customer data.
const idOf = (s: TLookupSubject): string => {
  switch (s.kind) {
    case 'order':
      return `o:${s.number}`;
    case 'invoice':
      return `i:${s.number.toUpperCase()}`;
    case 'email':
      return `e:${createHash('sha256').update(s.email.trim().toLowerCase()).digest('base64url')}`;
    case 'customer':
      return `c:${s.id}`;
  }
};

/** Returns 1 as soon as one key holds at least its limit (ARGV[i]); else 0. */
const LOCKED_SCRIPT = `for i = 1, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n >= tonumber(ARGV[i]) then return 1 end
end
return 0`;

/** INCR each key, its window starting at its first failure. */
const FAIL_SCRIPT = `for i = 1, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return 0`;

type TGuardRedis = Redis & {
  acsaLookupLocked(n: number, ...args: (string | number)[]): Promise<number>;
  acsaLookupFail(n: number, ...args: (string | number)[]): Promise<number>;
};

/**
 * Failed ownership checks counted in Redis, shared by every worker and replica, with a lock window. When
 * Redis does not answer, the count is kept per process instead: looser, but a guesser never gets an
 * unlimited run because the cache is down.
 */
export function createLookupGuards(redis: Redis | null, prefix = 'acsa:guard:') {
  redis?.defineCommand('acsaLookupLocked', { lua: LOCKED_SCRIPT });
  redis?.defineCommand('acsaLookupFail', { lua: FAIL_SCRIPT });
  const local = new LRUCache<string, number>({ max: 100_000, ttl: LOOKUP_WINDOW_MS });
  const ready = () => redis?.status === 'ready';

  return (apiKeyId: string): TLookupGuard => {
    // Order and invoice numbers are the shop's, whichever key asks; emails and customers are per key.
    const keyOf = (s: TLookupSubject) =>
      s.kind === 'order' || s.kind === 'invoice' ? `${prefix}${idOf(s)}` : `${prefix}${apiKeyId}:${idOf(s)}`;
    return {
      async isLocked(subjects) {
        const keys = subjects.map(keyOf);
        const limits = subjects.map((s) => LOOKUP_LIMITS[s.kind]);
        if (ready()) {
          try {
            return (await (redis as TGuardRedis).acsaLookupLocked(keys.length, ...keys, ...limits)) === 1;
          } catch {
            // fall through to this process's count
          }
        }
        return keys.some((k, i) => (local.get(k) ?? 0) >= (limits[i] as number));
      },
      async recordFailure(subjects) {
        const keys = subjects.map(keyOf);
        // Counted here as well, so an outage that starts now does not reset what this process saw.
        for (const k of keys) local.set(k, (local.get(k) ?? 0) + 1, { noUpdateTTL: local.has(k) });
        if (!ready()) return;
        try {
          await (redis as TGuardRedis).acsaLookupFail(keys.length, ...keys, LOOKUP_WINDOW_MS);
        } catch {
          // this process's count stands in
        }
      },
    };
  };
}
export type TLookupGuards = ReturnType<typeof createLookupGuards>;
