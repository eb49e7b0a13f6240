import { allMatches } from './regex.ts';

/** A word of the text with its place, in the comparison form `key`. */
export type TToken = { key: string; start: number; end: number };

// Apostrophes join ("men's" → "mens"); every other mark splits, so "Wi-Fi" and "wi fi" read the same.
const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const MARKS_RE = /[\u0300-\u036f]/g;

/**
 * Plural-insensitive comparison form: "Headphones" and "headphone", "Batteries" and "battery", "Boxes"
 * and "box" meet. Applied to catalogue and message alike, so an imperfect stem still matches itself.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !word.endsWith('s') || word.endsWith('ss') || word.endsWith('us')) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(?:x|ch|sh|ss|z)es$/.test(word)) return word.slice(0, -2);
  return word.slice(0, -1);
}

export function normalizeWord(word: string): string {
  let w = word.toLowerCase();
  if (w.includes("'") || w.includes('’')) w = w.replace(/['’]/g, '');
  // Only words with letters beyond a-z pay for Unicode normalisation ("Café" → "cafe").
  if (/[^a-z0-9]/.test(w)) w = w.normalize('NFD').replace(MARKS_RE, '');
  return stem(w);
}

// Chat turns reuse a small vocabulary, so normalised forms are memoised; the map is emptied when full
// to bound memory on a long-running server.
const KEY_CACHE = new Map<string, string>();
const KEY_CACHE_MAX = 50_000;

function keyOf(word: string): string {
  let key = KEY_CACHE.get(word);
  if (key === undefined) {
    if (KEY_CACHE.size >= KEY_CACHE_MAX) KEY_CACHE.clear();
    key = normalizeWord(word);
    KEY_CACHE.set(word, key);
  }
  return key;
}

export function tokenize(text: string): TToken[] {
  const out: TToken[] = [];
  for (const m of allMatches(WORD_RE, text)) {
    out.push({ key: keyOf(m[0]), start: m.index, end: m.index + m[0].length });
  }
  return out;
}
