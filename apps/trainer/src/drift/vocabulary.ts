import { normalizeText, tokenize } from '@acsa/ml/featurize';

/**
 * The featuriser's 32-bit FNV-1a (seed 0), which the manifest's `vocabularyHashes` are made of.
 * @acsa/ml does not export its hash function; this copy must stay byte-identical to
 * packages/ml/src/featurize/hash.ts (the drift test fails when they disagree: in-distribution text
 * would turn up "unknown" words).
 */
export function tokenHash(text: string): number {
  let h = 0x811c9dc5 >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Word tokens exactly as the reference statistics count them. */
export const wordsOf = (text: string): string[] => tokenize(normalizeText(text));

/** The training vocabulary from the manifest: base64 of a sorted Uint32Array of token hashes. */
export function decodeVocabulary(b64: string): Set<number> {
  const buf = Buffer.from(b64, 'base64');
  // Copied so the view is aligned whatever offset the decoded buffer has in Node's pool.
  const bytes = new Uint8Array(buf.byteLength - (buf.byteLength % 4));
  bytes.set(buf.subarray(0, bytes.byteLength));
  return new Set(new Uint32Array(bytes.buffer));
}
