/** A word or a single punctuation mark before a position, nearest first. */
export type TPrevToken = { text: string; start: number };

const WINDOW = 80;
const NON_ASCII_WORD_RE = /[\p{L}\p{N}]/u;

function isWordAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (c === 0x2019) return i > 0 && isWordAt(text, i - 1) && isWordAt(text, i + 1); // "it’s"
  return NON_ASCII_WORD_RE.test(text.charAt(i));
}

const isApostrophe = (text: string, i: number) =>
  text[i] === "'" && i > 0 && isWordAt(text, i - 1) && isWordAt(text, i + 1);

/**
 * Up to `max` tokens in the `WINDOW` characters before `index`, lower-cased, nearest first. Scans
 * backwards by hand and stops early: ids and phones ask this for every candidate on every chat turn,
 * and their anchor word sits right before them.
 */
export function tokensBefore(text: string, index: number, max = 12): TPrevToken[] {
  const floor = Math.max(0, index - WINDOW);
  const out: TPrevToken[] = [];
  let i = index;
  while (i > floor && out.length < max) {
    const c = text.charCodeAt(i - 1);
    if (c <= 32 || c === 160) {
      i--;
      continue;
    }
    if (!isWordAt(text, i - 1) && !isApostrophe(text, i - 1)) {
      out.push({ text: text.charAt(i - 1), start: i - 1 });
      i--;
      continue;
    }
    let j = i - 1;
    while (j > floor && (isWordAt(text, j - 1) || isApostrophe(text, j - 1))) j--;
    // A token cut by the window edge is a fragment, not a word.
    if (j === floor && floor > 0 && isWordAt(text, floor - 1)) break;
    out.push({ text: text.slice(j, i).toLowerCase(), start: j });
    i = j;
  }
  return out;
}

/** The lower-cased word right after `index`, skipping spaces. */
export function wordAfter(text: string, index: number): string {
  const m = /^\s*([\p{L}]+)/u.exec(text.slice(index, index + 24));
  return m ? m[1]!.toLowerCase() : '';
}
