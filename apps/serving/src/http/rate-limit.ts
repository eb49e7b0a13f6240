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
 * A gathering round trip leaves once this many turns wait, whatever its time: enough for the saving (the
 * cohort shares every batch after it), and a closed loop of clients never waits out the timer.
 */
const GATHER_ITEMS = 8;

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

/** One limit a request is counted against: its counter's key, its ceiling, and how its refusal reads. */
type TLimit = { key: string; max: number; refusal: TRefusal };
type TRefusal = { whose: string; unit: 'requests' | 'messages'; field?: string };
const BY_KEY: TRefusal = { whose: "this API key's", unit: 'requests' };
const BY_ADDRESS: TRefusal = { whose: "this address's", unit: 'messages' };
const BY_SESSION: TRefusal = { whose: "this session's", unit: 'messages', field: 'sessionId' };

function refused({ max, refusal: { whose, unit, field } }: TLimit, retryAfter: number): AppError {
  return new AppError('RATE_LIMITED', `${whose} limit of ${max} ${unit} a minute is reached`, {
    ...(field ? { field } : {}),
    retryAfter,
  });
}

type TCount = { limits: TLimit[]; read: string | undefined };
/** Each limit with its own count: no count is matched to a limit by where it stands in a list. */
type TCounted = { counts: { limit: TLimit; count: number }[]; read?: string | null };

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
    /** How long the first round trip waits, while idle, for turns to go with the first (TURN_GATHER_MS). */
    gatherMs = 0,
  ) {
    // A defined command runs by EVALSHA: the script crosses the wire once per connection, not per turn.
    redis?.defineCommand('acsaRateCount', { lua: COUNT_SCRIPT });
    this.counted = createSerialBatcher<TCount, TCounted>(
      async (batch) => {
        const keys: string[] = [];
        const args: (string | number)[] = [WINDOW_MS * 2, batch.length];
        for (const { input } of batch) {
          for (const { key } of input.limits) keys.push(key);
          if (input.read !== undefined) keys.push(input.read);
          args.push(input.limits.length, input.read === undefined ? 0 : 1);
        }
        const res = await (
          this.redis as Redis & {
            acsaRateCount(n: number, ...args: (string | number)[]): Promise<(number | string | null)[][]>;
          }
        ).acsaRateCount(keys.length, ...keys, ...args);
        // The script's reply is positional (COUNT_SCRIPT): per request in the batch's order, its counters'
        // counts in the order its limits sent their keys, then the read key's value. This is the one place
        // that pairing is made; past it each count travels with its limit.
        for (const [r, { input, resolve }] of batch.entries()) {
          const got = res[r] ?? [];
          const counts = input.limits.map((limit, i) => ({ limit, count: Number(got[i] ?? 0) }));
          resolve(
            input.read === undefined
              ? { counts }
              : { counts, read: (got[input.limits.length] as string) ?? null },
          );
        }
      },
      // Uncapped: while Redis stalls (each round trip waits out the client's command timeout) one round trip
      // must take everything that queued behind it, or the queue would grow faster than it drains.
      {
        maxBatch: Number.POSITIVE_INFINITY,
        linger: { ms: gatherMs, items: GATHER_ITEMS },
      },
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
    // In the order refusals are answered: the key's, then the address's, then the session's.
    const limits: TLimit[] = [
      { key: `${this.prefix}k:${apiKeyId}:${window}`, max: this.limits.perKeyPerMinute, refusal: BY_KEY },
    ];
    // Counted per network as the address throttle counts: an IPv6 host rotating through its /64 is one client.
    if (options.address) {
      limits.push({
        key: `${this.prefix}a:${apiKeyId}:${addressKey(options.address)}:${window}`,
        max: this.limits.perAddressPerMinute,
        refusal: BY_ADDRESS,
      });
    }
    if (sessionId !== undefined) {
      limits.push({
        key: `${this.prefix}s:${apiKeyId}:${sessionId}:${window}`,
        max: this.limits.perSessionPerMinute,
        refusal: BY_SESSION,
      });
    }
    const { counts, read } = await this.count(limits, window, options.read);
    for (const { limit, count } of counts) if (count > limit.max) throw refused(limit, retryAfter);
    return read;
  }

  private async count(limits: TLimit[], window: number, read: string | undefined): Promise<TCounted> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        return await this.counted({ limits, read });
      } catch {
        // fall through to the local count
      }
    }
    if (window !== this.localWindow) {
      this.local.clear();
      this.localWindow = window;
    }
    const counts = limits.map((limit) => {
      const count = (this.local.get(limit.key) ?? 0) + 1;
      this.local.set(limit.key, count);
      return { limit, count };
    });
    return { counts };
  }
}
