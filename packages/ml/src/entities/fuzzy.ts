/**
 * True when `a` can be turned into `b` by at most one insertion, deletion, substitution or swap of two
 * adjacent letters. Customers misspell the words that anchor an id ("ordedr", "puchase", "invoicw");
 * one edit catches those without letting unrelated words in.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la > lb) return tailsEqual(a, i + 1, b, i);
  if (la < lb) return tailsEqual(a, i, b, i + 1);
  if (tailsEqual(a, i + 1, b, i + 1)) return true;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && tailsEqual(a, i + 2, b, i + 2);
}

/** `a` from `ai` equals `b` from `bi`, compared in place: this runs per word per id candidate. */
function tailsEqual(a: string, ai: number, b: string, bi: number): boolean {
  if (a.length - ai !== b.length - bi) return false;
  for (; ai < a.length; ai++, bi++) if (a.charCodeAt(ai) !== b.charCodeAt(bi)) return false;
  return true;
}

/** The first keyword within one edit of `word`; exact matches are tried first so "bill" never reads as "bull". */
export function fuzzyKeyword(word: string, keywords: ReadonlySet<string>, minLength = 4): string | undefined {
  if (keywords.has(word)) return word;
  if (word.length < minLength - 1) return undefined;
  for (const k of keywords) if (k.length >= minLength && withinOneEdit(word, k)) return k;
  return undefined;
}
