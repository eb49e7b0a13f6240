import { describe, expect, it } from 'vitest';
import { AddressThrottle, addressKey } from './address-throttle.ts';

describe('AddressThrottle', () => {
  it('grants a burst per address, then one token per refill interval, with the wait in seconds', () => {
    const t = new AddressThrottle({ burst: 3, refillMs: 2_000 });
    const now = 1_000_000;
    expect([t.take('10.0.0.1', now), t.take('10.0.0.1', now), t.take('10.0.0.1', now)]).toEqual([0, 0, 0]);
    expect(t.take('10.0.0.1', now)).toBe(2);
    expect(t.take('10.0.0.2', now)).toBe(0); // another address has its own bucket
    expect(t.take('10.0.0.1', now + 2_000)).toBe(0);
    expect(t.take('10.0.0.1', now + 2_000)).toBeGreaterThan(0);
  });

  it('counts an IPv6 host by its /64, and an IPv4-mapped address as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    const t = new AddressThrottle({ burst: 1, refillMs: 60_000 });
    expect(t.take('2001:db8:1:2::1')).toBe(0);
    expect(t.take('2001:db8:1:2::2')).toBeGreaterThan(0);
  });
});
