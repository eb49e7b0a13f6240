/** What precedes an id's first digit: "#10042", "# 10042", "INV-2026-1", "order#10042", "ORD10042". */
export type TIdPrefix = {
  /** Where the id's surface starts, '#' and letter prefix included. */
  start: number;
  /** A '#' before the digits or before the letter prefix. */
  hash: boolean;
  /** Letters glued to the code ("INV", "order"), as written. */
  letters: string;
  /** Where the letters end ('-', '_' or '#' may follow them before the digits). */
  lettersEnd: number;
};

const MAX_LETTERS = 8;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
// After these an id cannot start: it would be part of a word, an email, an amount or a signed number.
const NOT_BEFORE_RE = /[\p{L}\p{N}@_%+\-#$€£¥₹]/u;

/**
 * Reads backwards from the first digit of a code. Returns undefined when the digits continue something
 * else: a longer number, a decimal ("49.99"), a word longer than a prefix, an email or a price.
 */
export function readIdPrefix(text: string, digitAt: number): TIdPrefix | undefined {
  let p = digitAt;
  let hash = false;
  if (text[p - 1] === '#') {
    hash = true;
    p--;
  }
  const glue = text[p - 1];
  const hasGlue = (glue === '-' || glue === '_') && !hash && isAsciiLetter(text.charCodeAt(p - 2));
  const lettersEnd = hasGlue ? p - 1 : p;
  let q = lettersEnd;
  while (q > 0 && isAsciiLetter(text.charCodeAt(q - 1))) q--;
  if (lettersEnd - q > MAX_LETTERS) return undefined;
  const letters = text.slice(q, lettersEnd);
  let start = letters ? q : p;
  if (!hash && text[start - 1] === '#') {
    hash = true;
    start--;
  } else if (!hash && !letters && text[start - 1] === ' ' && text[start - 2] === '#') {
    hash = true;
    start -= 2;
  }
  const before = text[start - 1];
  if (before === undefined) return { start, hash, letters, lettersEnd };
  if (NOT_BEFORE_RE.test(before)) return undefined;
  if ((before === '.' || before === ',') && /\d/.test(text[start - 2] ?? '')) return undefined;
  return { start, hash, letters, lettersEnd };
}
