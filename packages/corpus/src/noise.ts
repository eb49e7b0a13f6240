import type { TRandom } from './prng.ts';

/**
 * How customers really type: typos, lower case, missing apostrophes and punctuation, chat abbreviations,
 * capitals when angry. Every edit works on letters only; entities are placeholder characters (not letters)
 * at this point, so a typo can never land inside an order number or an email and spans stay exact.
 */

/** Neighbouring keys on a QWERTY keyboard: the substitutions real fat-finger typos make. */
const NEIGHBOURS: Record<string, string> = {
  a: 'qwsz',
  b: 'vghn',
  c: 'xdfv',
  d: 'serfcx',
  e: 'wsdr',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  i: 'ujko',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  m: 'njk',
  n: 'bhjm',
  o: 'iklp',
  p: 'ol',
  q: 'wa',
  r: 'edft',
  s: 'awedxz',
  t: 'rfgy',
  u: 'yhji',
  v: 'cfgb',
  w: 'qase',
  x: 'zsdc',
  y: 'tghu',
  z: 'asx',
};

/** Misspells one word: swapped, dropped, doubled or neighbouring-key letter (never the first letter). */
export function misspell(word: string, random: TRandom): string {
  if (word.length < 4) return word;
  const i = 1 + random.int(word.length - 2);
  const ch = word[i] as string;
  switch (random.int(4)) {
    case 0:
      return word.slice(0, i) + word[i + 1] + ch + word.slice(i + 2);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    case 2:
      return word.slice(0, i) + ch + word.slice(i);
    default: {
      const near = NEIGHBOURS[ch.toLowerCase()];
      if (!near) return word;
      const sub = random.pick([...near]);
      return word.slice(0, i) + (ch === ch.toUpperCase() ? sub.toUpperCase() : sub) + word.slice(i + 1);
    }
  }
}

/** Puts `count` typos into distinct words of four letters or more. */
export function addTypos(text: string, random: TRandom, count: number): string {
  const words = [...text.matchAll(/[A-Za-z]{4,}/g)];
  if (words.length === 0) return text;
  const chosen = new Set<number>();
  for (let n = 0; n < count && chosen.size < words.length; n++) chosen.add(random.int(words.length));
  let out = '';
  let last = 0;
  words.forEach((match, index) => {
    if (!chosen.has(index)) return;
    out += text.slice(last, match.index) + misspell(match[0], random);
    last = match.index + match[0].length;
  });
  return out + text.slice(last);
}

/**
 * Chat shorthand: pattern (on lower-cased text), replacements, and how often a casual message uses it. The
 * one-letter ones ("4", "2", "r") stay rare so most casual messages remain readable.
 */
const SHORTHAND: readonly [RegExp, readonly string[], number][] = [
  [/\byou\b/g, ['u'], 0.35],
  [/\byour\b/g, ['ur'], 0.3],
  [/\bplease\b/g, ['pls', 'plz'], 0.4],
  [/\bthanks\b/g, ['thx', 'thnx'], 0.35],
  [/\bthank you\b/g, ['ty', 'thank u'], 0.3],
  [/\bwant to\b/g, ['wanna'], 0.3],
  [/\bgoing to\b/g, ['gonna'], 0.4],
  [/\bi am\b/g, ['im'], 0.3],
  [/\bi'm\b/g, ['im'], 0.3],
  [/\bbecause\b/g, ['cuz', 'bc'], 0.3],
  [/\bare\b/g, ['r'], 0.08],
  [/\bfor\b/g, ['4'], 0.06],
  [/\bto\b/g, ['2'], 0.05],
];

/** Lower case, apostrophes and final punctuation often gone, some shorthand: the phone-keyboard register. */
export function casual(text: string, random: TRandom): string {
  let out = text.toLowerCase();
  if (random.chance(0.6)) out = out.replace(/['’]/g, '');
  for (const [pattern, replacements, p] of SHORTHAND) {
    if (random.chance(p)) out = out.replace(pattern, () => random.pick(replacements));
  }
  if (random.chance(0.5)) out = out.replace(/[.!]+$/, '');
  else if (random.chance(0.2)) out = out.replace(/\?$/, random.pick(['??', '???', '?!']));
  return out;
}
