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
  // Compare the tails after the first difference without allocating: this runs per word per candidate.
  const tailEqual = (ai: number, bi: number) => {
    if (la - ai !== lb - bi) return false;
    for (; ai < la; ai++, bi++) if (a.charCodeAt(ai) !== b.charCodeAt(bi)) return false;
    return true;
  };
  if (la > lb) return tailEqual(i + 1, i);
  if (la < lb) return tailEqual(i, i + 1);
  if (tailEqual(i + 1, i + 1)) return true;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && tailEqual(i + 2, i + 2);
}

/** The first keyword within one edit of `word`; exact matches are tried first so "bill" never reads as "bull". */
export function fuzzyKeyword(word: string, keywords: ReadonlySet<string>, minLength = 4): string | undefined {
  if (keywords.has(word)) return word;
  if (word.length < minLength - 1) return undefined;
  for (const k of keywords) if (k.length >= minLength && withinOneEdit(word, k)) return k;
  return undefined;
}
