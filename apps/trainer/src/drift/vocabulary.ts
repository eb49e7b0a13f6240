import { fnv1a, normalizeText, tokenize } from '@acsa/ml/featurize';

/** The featuriser's hash (seed 0), which the manifest's `vocabularyHashes` are made of. */
export const tokenHash = (text: string): number => fnv1a(text, 0);

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
