import { createHash } from 'node:crypto';

export type TSplit = 'train' | 'dev' | 'test';

// Printable ASCII and ordinary whitespace; anything else takes the Unicode path.
const ASCII = /^[\t\n\r -~]*$/;

/**
 * The key two texts share when they are "the same utterance": lower-cased, every run of characters that are
 * not letters or digits collapsed to one space, trimmed. Dataset import dedupes on it and the split hashes it,
 * so changing it moves rows between train, dev and test in every dataset at once.
 */
export function normalizeKey(text: string): string {
  const lower = text.toLowerCase();
  // Same result for ASCII text, several times faster than the Unicode-class pattern (the corpus is mostly ASCII).
  const separators = ASCII.test(lower) ? /[^a-z0-9]+/g : /[^\p{L}\p{N}]+/gu;
  return lower.replace(separators, ' ').trim();
}

/**
 * The shared data rule (the same as ../shared/data/*): b = first 8 hex digits of sha256('split-v1|' + key)
 * mod 10; 0–7 train, 8 dev, 9 test. A text lands in the same split in every dataset that holds it, so a
 * corpus row can never be in train here and in test of an imported set.
 */
export function splitOf(text: string): TSplit {
  return splitOfKey(normalizeKey(text));
}

/** `splitOf` for a key already normalised (saves normalising twice when deduping and splitting). */
export function splitOfKey(key: string): TSplit {
  const digest = createHash('sha256').update(`split-v1|${key}`).digest('hex');
  const bucket = Number.parseInt(digest.slice(0, 8), 16) % 10;
  if (bucket < 8) return 'train';
  return bucket === 8 ? 'dev' : 'test';
}
