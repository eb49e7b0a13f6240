import { describe, expect, it } from 'vitest';
import { suggestPassword } from './suggest-password';

describe('suggestPassword', () => {
  it('gives 16 unambiguous letters and digits, different each time', () => {
    const a = suggestPassword();
    expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/);
    expect(suggestPassword()).not.toBe(a);
  });

  it('draws again for bytes that would favour the first characters', () => {
    // 56 characters: bytes 224..255 would map onto the first 32 more often than the rest, so they are skipped.
    const bytes = [255, 224, 0, 55];
    const random = (n: number) =>
      new Uint8Array(Array.from({ length: n }, (_, i) => bytes[i % bytes.length] ?? 0));
    expect(suggestPassword(4, random)).toBe('a9a9');
  });
});
