import { FIRST_NAMES } from './first-names.ts';
import { NAME_STOP } from './name-words.ts';
import { allMatches } from './regex.ts';
import { SCORE, type TCandidate } from './types.ts';

type Casing = 'any' | 'capitalized';

const WORD_RE = /[\p{L}][\p{L}'’-]*/uy;
const GAP_RE = / +/y;
const UPPER_RE = /^\p{Lu}/u;
const HONORIFIC_RE = /\b(?:mr|mrs|ms|miss|mx|dr|prof)\b\.?\s+/gi;
// Cues after which a name is stated. The second group also introduces other things ("I'm Canadian"), so
// what follows it must look like a name.
const CUE_RE =
  /\b(?:(my name is|my name's|name:|call me)|i am|i'm|i’m|this is|it's|it’s|signed|regards|thanks|thank you|cheers)\s*[,:]?\s+/gi;
const CAPITALIZED_RE = /\p{Lu}\p{Ll}+\b/gu;
const LETTER_RE = /\p{L}/u;
// "fromAnna Freeman": a name glued to a preposition still starts at the capital.
const GLUED_PREPOSITION_RE = /(?:^|[^a-z])(?:from|to|for|by|with)$/i;

/** A capitalised word starts a word of its own, not the tail of "McDonald" or "iPhone". */
function startsWord(text: string, at: number): boolean {
  if (at === 0 || !LETTER_RE.test(text.charAt(at - 1))) return true;
  return GLUED_PREPOSITION_RE.test(text.slice(Math.max(0, at - 6), at));
}

/** Up to `max` name words from `pos`, stopping at a function word or, for `capitalized`, at a lower-case one. */
function readName(text: string, pos: number, casing: Casing, max: number): { end: number; words: string[] } {
  const words: string[] = [];
  let end = pos;
  let at = pos;
  while (words.length < max) {
    WORD_RE.lastIndex = at;
    const w = WORD_RE.exec(text);
    if (!w || NAME_STOP.has(w[0].toLowerCase().replace(/['’]/g, ''))) break;
    if (casing === 'capitalized' && !UPPER_RE.test(w[0])) break;
    words.push(w[0]);
    end = at + w[0].length;
    GAP_RE.lastIndex = end;
    if (!GAP_RE.exec(text)) break;
    at = GAP_RE.lastIndex;
  }
  return { end, words };
}

function titleCase(word: string): string {
  return word === word.toLowerCase() ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

function candidate(text: string, start: number, nameStart: number, end: number): TCandidate {
  const head = text.slice(start, nameStart).replace(/\s+/g, ' ');
  const name = text.slice(nameStart, end).split(/\s+/).map(titleCase).join(' ');
  return { type: 'person_name', value: head + name, start, end, score: SCORE.person };
}

/** Person names: after a title ("Mr. Smith"), after "my name is", or a known first name with a surname. */
export function findPersonNames(text: string): TCandidate[] {
  const out: TCandidate[] = [];
  for (const m of allMatches(HONORIFIC_RE, text)) {
    const lowerTitle = m[0][0] === m[0][0]?.toLowerCase();
    if (lowerTitle && m[0].startsWith('miss')) continue; // "I miss the old app"
    const at = m.index + m[0].length;
    const { end, words } = readName(text, at, lowerTitle ? 'any' : 'capitalized', 2);
    if (words.length > 0) out.push(candidate(text, m.index, at, end));
  }
  for (const m of allMatches(CUE_RE, text)) {
    const at = m.index + m[0].length;
    const strong = m[1] !== undefined;
    const { end, words } = readName(text, at, strong ? 'any' : 'capitalized', 3);
    const known = FIRST_NAMES.has(words[0]?.toLowerCase() ?? '');
    if (words.length >= (strong || known ? 1 : 2)) out.push(candidate(text, at, at, end));
  }
  for (const m of allMatches(CAPITALIZED_RE, text)) {
    if (!FIRST_NAMES.has(m[0].toLowerCase()) || !startsWord(text, m.index)) continue;
    const { end, words } = readName(text, m.index, 'capitalized', 3);
    if (words.length >= 2) out.push(candidate(text, m.index, m.index, end));
  }
  return out;
}
