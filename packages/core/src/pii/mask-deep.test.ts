import { describe, expect, it } from 'vitest';
import { maskPiiDeep } from './mask-deep.ts';

const TEXT = 'reach me at jane.doe@example.org or +44 7700 900123';
const MASKED = 'reach me at [email] or [phone]';

describe('maskPiiDeep', () => {
  it('masks strings at any depth of objects and arrays, on copies', () => {
    const value = { a: TEXT, b: [1, { c: [TEXT] }], n: 7700900123, ok: true, none: null };
    const masked = maskPiiDeep(value);
    expect(masked).toEqual({ a: MASKED, b: [1, { c: [MASKED] }], n: 7700900123, ok: true, none: null });
    expect(value.a).toBe(TEXT);
  });

  it('returns what holds nothing to mask as it is, and leaves class instances alone', () => {
    const clean = { order: 10042, items: [{ sku: 'ELE-0412' }] };
    expect(maskPiiDeep(clean)).toBe(clean);
    const at = new Date();
    expect(maskPiiDeep({ at }).at).toBe(at);
  });

  it('masks errors into copies of the same class, cause included', () => {
    const err = new RangeError(TEXT, { cause: new Error(TEXT) });
    const masked = maskPiiDeep(err);
    expect(masked).toBeInstanceOf(RangeError);
    expect(masked.message).toBe(MASKED);
    expect(masked.stack).toContain(`RangeError: ${MASKED}`);
    expect((masked.cause as Error).message).toBe(MASKED);
    expect(err.message).toBe(TEXT);
  });

  it('cuts cycles', () => {
    const a: Record<string, unknown> = { text: TEXT };
    a.self = a;
    expect(maskPiiDeep(a)).toEqual({ text: MASKED, self: '[Circular]' });
  });
});
