import { AppError } from '@acsa/core/errors';
import type { Redis } from 'ioredis';

export type TRateLimits = { perSessionPerMinute: number; perKeyPerMinute: number };

const WINDOW_MS = 60_000;

/** INCR each key, setting its expiry when the window starts; returns the counts. */
const COUNT_SCRIPT = `local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  out[i] = n
end
return out`;

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
  ) {
    // A defined command runs by EVALSHA: the script crosses the wire once per connection, not per turn.
    redis?.defineCommand('acsaRateCount', { lua: COUNT_SCRIPT });
  }

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
        // One script instead of MULTI/EXEC: a quarter of the client CPU per turn (measured in bench/serving).
        const redis = this.redis as Redis & {
          acsaRateCount(n: number, ...args: (string | number)[]): Promise<number[]>;
        };
        const res = await redis.acsaRateCount(keys.length, ...keys, WINDOW_MS * 2);
        return keys.map((_, i) => Number(res[i] ?? 0));
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
