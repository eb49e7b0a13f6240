import { describe, expect, it } from 'vitest';
import { day, itemsSummary, money, pick } from './format.ts';

const now = new Date('2026-11-20T15:00:00Z');

describe('formatting for people', () => {
  it('writes amounts with their currency', () => {
    expect(money(6498, 'USD')).toBe('$64.98');
    expect(money(100000, 'EUR')).toBe('€1,000.00');
  });

  it('writes dates relative to today when near, with the year only when another', () => {
    expect(day('2026-11-20T23:00:00Z', now)).toBe('today');
    expect(day('2026-11-21T00:00:00Z', now)).toBe('tomorrow');
    expect(day('2026-11-22T00:00:00Z', now)).toBe('Sunday, November 22');
    expect(day('2026-03-05T00:00:00Z', now)).toBe('March 5');
    expect(day('2025-03-05T00:00:00Z', now)).toBe('March 5, 2025');
  });

  it('summarises items and varies replies by turn', () => {
    expect(itemsSummary([{ name: 'Lamp', quantity: 2 }])).toBe('2 × Lamp');
    expect(itemsSummary([1, 2, 3].map((i) => ({ name: `P${i}`, quantity: 1 })))).toBe('P1 and 2 other items');
    expect([0, 1, 2, 3].map((t) => pick(t, ['a', 'b', 'c']))).toEqual(['a', 'b', 'c', 'a']);
  });
});
