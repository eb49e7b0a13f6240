import { describe, expect, it } from 'vitest';
import { clock, hourLabel, mb, niceTicks, pct, pctTick, pp, utc } from './format';

describe('console formats', () => {
  const at = new Date('2026-12-06T14:05:09.123Z');

  it('prints rates in % and says when there is no figure', () => {
    expect(pct(0.1234)).toBe('12.3 %');
    expect(pct(0.25, 0)).toBe('25 %');
    expect(pct(null)).toBe('—');
    expect(pct(undefined)).toBe('—');
  });

  it('prints a change in percentage points with its sign and direction', () => {
    expect(pp(0.1)).toEqual({ text: '+10.0 pp', tone: 'up' });
    expect(pp(-0.1)).toEqual({ text: '−10.0 pp', tone: 'down' });
    expect(pp(0)).toEqual({ text: '±0.0 pp', tone: 'flat' });
    expect(pp(0.0001)).toEqual({ text: '+0.0 pp', tone: 'flat' });
    expect(pp(-0.0001)).toEqual({ text: '−0.0 pp', tone: 'flat' });
    expect(pp(null).text).toBe('—');
  });

  it('prints moments in UTC, saying so, from a Date or the string tRPC delivers', () => {
    expect(utc(at)).toBe('2026-12-06 14:05 UTC');
    expect(utc(at.toISOString(), 'second')).toBe('2026-12-06 14:05:09 UTC');
    expect(utc(null)).toBe('—');
    expect(clock(at)).toBe('14:05');
    expect(clock(at, 'second')).toBe('14:05:09');
    expect(clock(null)).toBe('—');
    expect(hourLabel(at)).toBe('12-06 14h');
  });

  it('prints sizes in B, kB or MB', () => {
    expect(mb(999)).toBe('999 B');
    expect(mb(12_345)).toBe('12.3 kB');
    expect(mb(4_500_000)).toBe('4.5 MB');
  });
});

describe('chart axes', () => {
  it('run from 0 past the highest value in round steps', () => {
    expect(niceTicks(4.7)).toEqual([0, 2, 4, 6]);
    expect(niceTicks(0.34)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(0.28)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0.15)).toEqual([0, 0.05, 0.1, 0.15]);
    expect(niceTicks(0.62, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0.95, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(1.7, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(12)).toEqual([0, 5, 10, 15]);
    // Nothing to show yet: still an axis.
    expect(niceTicks(0)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0.09, 1).map(pctTick)).toEqual(['0 %', '2.5 %', '5 %', '7.5 %', '10 %']);
    expect(niceTicks(0.34, 1).map(pctTick)).toEqual(['0 %', '10 %', '20 %', '30 %', '40 %']);
  });
});
