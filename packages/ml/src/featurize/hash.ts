/**
 * 32-bit FNV-1a over UTF-16 code units with a seed mixed in. Chosen because it is tiny, deterministic in
 * every JS engine and fast on short strings; the bucket a string lands in is part of the trained model, so
 * this function must never change without a featuriser version bump.
 */
export function fnv1a(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
