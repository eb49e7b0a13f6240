import { describe, expect, it } from 'vitest';
import { firstBadUtf8 } from './utf8.ts';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('finding the first byte that is not UTF-8', () => {
  it('says nothing of UTF-8, a BOM included', () => {
    expect(firstBadUtf8(bytes([0xef, 0xbb, 0xbf], 'café ☕ 𝄞\nnaïve'))).toBeUndefined();
  });

  it('names the line, the column in characters and the byte that starts the bad sequence', () => {
    // Latin-1 é before a comma, after characters of two and four bytes on the same line.
    expect(firstBadUtf8(bytes('ok\nñ𝄞 caf', [0xe9], ',x\n', [0xe9]))).toEqual({
      line: 2,
      column: 7,
      byte: 0xe9,
    });
  });

  it('catches a stray continuation byte, an overlong form and a sequence cut off at the end', () => {
    expect(firstBadUtf8(bytes('a', [0x80]))).toEqual({ line: 1, column: 2, byte: 0x80 });
    expect(firstBadUtf8(bytes('ab', [0xc0, 0xaf]))).toEqual({ line: 1, column: 3, byte: 0xc0 });
    expect(firstBadUtf8(bytes('x\nabc', [0xe2, 0x82]))).toEqual({ line: 2, column: 4, byte: 0xe2 });
    // A BOM is not a column an editor shows.
    expect(firstBadUtf8(bytes([0xef, 0xbb, 0xbf], 'a', [0xe9]))).toEqual({ line: 1, column: 2, byte: 0xe9 });
  });
});
