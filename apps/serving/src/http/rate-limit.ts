import { AppError } from '@acsa/core/errors';
import type { Redis } from 'ioredis';

export type TRateLimits = { perSessionPerMinute: number; perKeyPerMinute: number };

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute windows counted in Redis, shared by every replica: one round trip (INCR + PEXPIRE for
 * the session and the key, pipelined) per turn. If Redis is unreachable the limit is kept per process
 * instead, because refusing every shopper while the cache is down would be worse than a looser limit.
 */
export class RateLimiter {
  private readonly local = new Map<string, number>();
  private localWindow = 0;

  constructor(
    private readonly redis: Redis | null,
    private readonly limits: TRateLimits,
    private readonly prefix = 'acsa:rl:',
  ) {}

  async check(apiKeyId: string, sessionId: string, now = Date.now()): Promise<void> {
    const window = Math.floor(now / WINDOW_MS);
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    const sessionKey = `${this.prefix}s:${apiKeyId}:${sessionId}:${window}`;
    const apiKey = `${this.prefix}k:${apiKeyId}:${window}`;
    const [session = 0, key = 0] = await this.count([sessionKey, apiKey], window);
    if (key > this.limits.perKeyPerMinute) {
      throw new AppError(
        'RATE_LIMITED',
        `this API key's limit of ${this.limits.perKeyPerMinute} requests a minute is reached`,
        { retryAfter },
      );
    }
    if (session > this.limits.perSessionPerMinute) {
      throw new AppError(
        'RATE_LIMITED',
        `this session's limit of ${this.limits.perSessionPerMinute} messages a minute is reached`,
        {
          field: 'sessionId',
          retryAfter,
        },
      );
    }
  }

  private async count(keys: string[], window: number): Promise<number[]> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        const multi = this.redis.multi();
        for (const k of keys) multi.incr(k).pexpire(k, WINDOW_MS * 2);
        const res = await multi.exec();
        if (res) return keys.map((_, i) => Number(res[i * 2]?.[1] ?? 0));
      } catch {
        // fall through to the local count
      }
    }
    if (window !== this.localWindow) {
      this.local.clear();
      this.localWindow = window;
    }
    return keys.map((k) => {
      const n = (this.local.get(k) ?? 0) + 1;
      this.local.set(k, n);
      return n;
    });
  }
}
