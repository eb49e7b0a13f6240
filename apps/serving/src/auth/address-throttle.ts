import { isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';

type TBucket = { tokens: number; at: number };

/** The throttled unit of an address: an IPv4 address, or the /64 network of an IPv6 one. */
export function addressKey(address: string): string {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]?.split('::') ?? [];
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * A token bucket per client address, kept in this process. IPv6 addresses count by their /64, which one
 * host usually holds whole, so rotating through it buys nothing. The table is bounded: an address evicted
 * from it starts with a full bucket, which costs an attacker with that many addresses little it had not.
 */
export class AddressThrottle {
  private readonly buckets = new LRUCache<string, TBucket>({ max: 100_000 });

  constructor(private readonly rate: { burst: number; refillMs: number }) {}

  /** The seconds until this address has a token again (0: it has one now), without taking it. */
  wait(address: string, now = Date.now()): number {
    const b = this.buckets.get(addressKey(address));
    if (!b) return 0;
    const tokens = Math.min(this.rate.burst, b.tokens + (now - b.at) / this.rate.refillMs);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * this.rate.refillMs) / 1000);
  }

  /** Takes one token for this address: 0 when granted, else the seconds until one is due. */
  take(address: string, now = Date.now()): number {
    const key = addressKey(address);
    const b = this.buckets.get(key) ?? { tokens: this.rate.burst, at: now };
    const tokens = Math.min(this.rate.burst, b.tokens + (now - b.at) / this.rate.refillMs);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return Math.ceil(((1 - tokens) * this.rate.refillMs) / 1000);
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return 0;
  }
}
