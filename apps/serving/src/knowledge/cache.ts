import { withTimeout } from '@acsa/core/deadline';
import type { Redis } from 'ioredis';

export type TCacheOptions = {
  /** null: no cache, every read goes to PostgreSQL. */
  redis: Redis | null;
  /** Namespace of every key; holds a version so a change of view shape never reads old JSON. */
  prefix: string;
  /** Longest wait for one Redis command: a dead Redis must not stall a chat turn. */
  timeoutMs: number;
  /** After a failure, Redis is skipped this long, so an outage costs one timeout, not one per turn. */
  cooldownMs: number;
};

export type TCacheCounters = { hits: number; misses: number; errors: number };

/** Connections that cannot answer now; ioredis would queue or reject the command anyway. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * Cache-aside over Redis that never fails a read: any Redis error, timeout or outage falls through to the
 * loader (PostgreSQL). Concurrent misses of one key share one load, so a hot key cannot stampede the DB.
 */
export function createCache(options: TCacheOptions) {
  const { redis, prefix, timeoutMs, cooldownMs } = options;
  const counters: TCacheCounters = { hits: 0, misses: 0, errors: 0 };
  const inflight = new Map<string, Promise<unknown>>();
  // Keys whose invalidation never reached Redis: read around them until a fresh value overwrites them,
  // so a write made during an outage is not hidden by the old entry once Redis is back.
  const stale = new Set<string>();
  let skipUntil = 0;

  async function guarded<T>(command: (r: Redis) => Promise<T>): Promise<T | undefined> {
    if (!redis || DOWN.has(redis.status) || Date.now() < skipUntil) return undefined;
    try {
      return await withTimeout(command(redis), timeoutMs);
    } catch {
      counters.errors++;
      skipUntil = Date.now() + cooldownMs;
      return undefined;
    }
  }

  function store(key: string, value: unknown, ttlMs: number) {
    void guarded((r) => r.set(prefix + key, JSON.stringify(value), 'PX', ttlMs)).then((ok) => {
      if (ok !== undefined) stale.delete(key);
    });
  }

  async function load<T>(key: string, ttlMs: number, loader: () => Promise<T>, nullTtlMs: number) {
    const value = await loader();
    const ttl = value === null ? nullTtlMs : ttlMs;
    // Not awaited: the reply need not wait for the write, and the same connection keeps it ordered.
    if (ttl > 0) store(key, value, ttl);
    return value;
  }

  return {
    counters,
    /** The cached value of `key`, else `loader()`'s, stored for `ttlMs` (`nullTtlMs` when it is null). */
    async get<T>(key: string, ttlMs: number, loader: () => Promise<T>, nullTtlMs = ttlMs): Promise<T> {
      const cached = stale.has(key) ? undefined : await guarded((r) => r.get(prefix + key));
      if (cached != null) {
        try {
          const value = JSON.parse(cached) as T;
          counters.hits++;
          return value;
        } catch {
          // A corrupt entry is a miss; the load below overwrites it.
        }
      }
      counters.misses++;
      const pending = inflight.get(key);
      if (pending) return pending as Promise<T>;
      const loading = load(key, ttlMs, loader, nullTtlMs).finally(() => inflight.delete(key));
      inflight.set(key, loading);
      return loading;
    },
    /** Stores a value the caller already has (e.g. the second key of a row fetched once). */
    set(key: string, value: unknown, ttlMs: number): void {
      store(key, value, ttlMs);
    },
    /** Replaces a value after a write, awaited; one that cannot be stored is read around until it is. */
    async put(key: string, value: unknown, ttlMs: number): Promise<void> {
      const ok = await guarded((r) => r.set(prefix + key, JSON.stringify(value), 'PX', ttlMs));
      if (ok === undefined && redis) stale.add(key);
      else stale.delete(key);
    },
    /** Forgets keys after a write; awaited so the next read sees the change. */
    async del(...keys: string[]): Promise<void> {
      if (!redis) return;
      const ok = await guarded((r) => r.del(...keys.map((k) => prefix + k)));
      for (const k of keys) {
        if (ok === undefined) stale.add(k);
        else stale.delete(k);
      }
    },
  };
}

export type TCache = ReturnType<typeof createCache>;
