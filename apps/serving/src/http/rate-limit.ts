import { AppError } from '@acsa/core/errors';
import type { Redis } from 'ioredis';
import { addressKey } from '../auth/address-throttle.ts';
import { createSerialBatcher } from '../batch/serial-batcher.ts';

export type TRateLimits = {
  perSessionPerMinute: number;
  perKeyPerMinute: number;
  /** Per client address, for publishable keys: one browser, whatever sessions it opens. */
  perAddressPerMinute: number;
};

const WINDOW_MS = 60_000;

/**
 * Counts for a batch of requests in one round trip. ARGV: the counters' expiry (ms), the number of requests,
 * then per request its number of counter keys and whether one more key follows to be read. KEYS: each
 * request's counter keys, then its read key if any. Each counter is INCRed (its expiry set when the window
 * starts); the reply holds, per request, its counts and then the read key's value (nil when absent).
 */
const COUNT_SCRIPT = `local out = {}
local k = 1
local a = 3
for r = 1, tonumber(ARGV[2]) do
  local counters = tonumber(ARGV[a])
  local read = ARGV[a + 1] == '1'
  a = a + 2
  local res = {}
  for i = 1, counters do
    local n = redis.call('INCR', KEYS[k])
    if n == 1 then redis.call('PEXPIRE', KEYS[k], ARGV[1]) end
    res[i] = n
    k = k + 1
  end
  if read then
    res[counters + 1] = redis.call('GET', KEYS[k])
    k = k + 1
  end
  out[r] = res
end
return out`;

type TCount = { keys: string[]; read: string | undefined };
type TCounted = { counts: number[]; read?: string | null };

/**
 * Fixed one-minute windows counted in Redis, shared by every replica: one round trip (a script counting
 * the session and the key) per batch of turns — the turns that arrive while one is out go together in the
 * next — which can also bring back each turn's dialogue state. If Redis is unreachable the limit is kept per
 * process instead, because refusing every shopper while the cache is down would be worse than a looser limit.
 */
export class RateLimiter {
  private readonly local = new Map<string, number>();
  private localWindow = 0;

  private readonly counted: (c: TCount) => Promise<TCounted>;

  constructor(
    private readonly redis: Redis | null,
    private readonly limits: TRateLimits,
    private readonly prefix = 'acsa:rl:',
  ) {
    // A defined command runs by EVALSHA: the script crosses the wire once per connection, not per turn.
    redis?.defineCommand('acsaRateCount', { lua: COUNT_SCRIPT });
    this.counted = createSerialBatcher<TCount, TCounted>(
      async (batch) => {
        const keys: string[] = [];
        const args: (string | number)[] = [WINDOW_MS * 2, batch.length];
        for (const { input } of batch) {
          keys.push(...input.keys);
          if (input.read !== undefined) keys.push(input.read);
          args.push(input.keys.length, input.read === undefined ? 0 : 1);
        }
        const res = await (
          this.redis as Redis & {
            acsaRateCount(n: number, ...args: (string | number)[]): Promise<(number | string | null)[][]>;
          }
        ).acsaRateCount(keys.length, ...keys, ...args);
        for (const [r, { input, resolve }] of batch.entries()) {
          const got = res[r] ?? [];
          const counts = input.keys.map((_, i) => Number(got[i] ?? 0));
          resolve(
            input.read === undefined
              ? { counts }
              : { counts, read: (got[input.keys.length] as string) ?? null },
          );
        }
      },
      // Uncapped: while Redis stalls (each round trip waits out the client's command timeout) one round trip
      // must take everything that queued behind it, or the queue would grow faster than it drains.
      { maxBatch: Number.POSITIVE_INFINITY },
    );
  }

  /**
   * Counts the request against its key's limit, its address's (when given) and its session's, throwing
   * RATE_LIMITED past any, the key's and the address's first. `sessionId` undefined: a request about to be
   * refused (a body that is not valid names no session), counted against the key and the address only.
   * `read`: a Redis key whose value comes back in the same round trip (the turn's dialogue state): its
   * value, null when absent, undefined when Redis did not answer.
   */
  async check(
    apiKeyId: string,
    sessionId: string | undefined,
    options: { read?: string; now?: number; address?: string } = {},
  ): Promise<string | null | undefined> {
    const now = options.now ?? Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    const keys = [`${this.prefix}k:${apiKeyId}:${window}`];
    // Counted per network as the address throttle counts: an IPv6 host rotating through its /64 is one client.
    if (options.address) keys.push(`${this.prefix}a:${apiKeyId}:${addressKey(options.address)}:${window}`);
    if (sessionId !== undefined) keys.push(`${this.prefix}s:${apiKeyId}:${sessionId}:${window}`);
    const { counts, read } = await this.count(keys, window, options.read);
    const [key = 0] = counts;
    const address = options.address ? (counts[1] ?? 0) : 0;
    const session = sessionId === undefined ? 0 : (counts.at(-1) ?? 0);
    if (key > this.limits.perKeyPerMinute) {
      throw new AppError(
        'RATE_LIMITED',
        `this API key's limit of ${this.limits.perKeyPerMinute} requests a minute is reached`,
        { retryAfter },
      );
    }
    if (address > this.limits.perAddressPerMinute) {
      throw new AppError(
        'RATE_LIMITED',
        `this address's limit of ${this.limits.perAddressPerMinute} messages a minute is reached`,
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
    return read;
  }

  private async count(keys: string[], window: number, read: string | undefined): Promise<TCounted> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        return await this.counted({ keys, read });
      } catch {
        // fall through to the local count
      }
    }
    if (window !== this.localWindow) {
      this.local.clear();
      this.localWindow = window;
    }
    const counts = keys.map((k) => {
      const n = (this.local.get(k) ?? 0) + 1;
      this.local.set(k, n);
      return n;
    });
    return { counts };
  }
}
