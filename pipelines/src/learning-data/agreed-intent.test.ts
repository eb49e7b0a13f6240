import { describe, expect, it } from 'vitest';
import { agreedIntent } from './agreed-intent.ts';

describe('agreedIntent: the one rule for labels becoming truth', () => {
  it("takes the engineer's adjudication over any labels", () => {
    expect(agreedIntent([{ intent: 'a' }, { intent: 'a' }], 'b')).toBe('b');
  });
  it('else the intent most labels gave', () => {
    expect(agreedIntent([{ intent: 'a' }], null)).toBe('a');
    expect(agreedIntent([{ intent: 'a' }, { intent: 'b' }, { intent: 'a' }], null)).toBe('a');
  });
  it('has no truth for a tie until it is adjudicated, and none without labels', () => {
    expect(agreedIntent([{ intent: 'a' }, { intent: 'b' }], null)).toBeNull();
    expect(agreedIntent([{ intent: 'a' }, { intent: 'b' }, { intent: 'c' }, { intent: 'c' }], null)).toBe(
      'c',
    );
    expect(agreedIntent([], null)).toBeNull();
  });
});
