import { fuzzyKeyword } from './fuzzy.ts';
import { readIdPrefix } from './id-prefix.ts';
import {
  BLOCKERS,
  FILLERS,
  INVOICE_PREFIXES,
  INVOICE_WORDS,
  ORDER_PREFIXES,
  ORDER_WORDS,
  QUANTITY_WORDS,
} from './id-words.ts';
import { tokensBefore, wordAfter } from './lookback.ts';
import { allMatches } from './regex.ts';
import { SCORE, type TCandidate } from './types.ts';

type IdType = 'order_id' | 'invoice_id';

// A code that starts with a digit; what precedes it ('#', "INV-", "order#") is read by `readIdPrefix`.
// Starting on a digit lets the regex engine skip most of a message at once.
const CODE_RE = /\d[\dA-Za-z]*(?:-[\dA-Za-z]+)*(?![\p{L}\p{N}@]|[.,:]\d)/gu;
const LIST_GLUE_RE = /^\s*(?:,|&|\/|\+|,?\s*(?:and|or))\s*#?\s*$/i;
const AMAZON_RE = /^\d{3}-\d{7}-\d{7}$/;
const DATE_LIKE_RE = /^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}-\d{1,2}-\d{2,4}$/;
const WIDE_LOOKBACK = 8;
const PLACE_PREPOSITIONS: ReadonlySet<string> = new Set(['at', 'to', 'in', 'on', 'near', 'from']);

export type TIdOptions = {
  /** The dialogue just asked for this id, so a bare code in the reply is one ("it's 10042"). */
  expecting?: IdType;
};

// Chat text glues short words onto the anchor ("theorder 10042", "ispurchase 10042").
const GLUED_RE = /^(?:the|my|is|of|to|an?|for|this|your|our|with|from)(\p{L}{4,})$/u;

function anchorOf(word: string): IdType | undefined {
  if (fuzzyKeyword(word, ORDER_WORDS, 5)) return 'order_id';
  if (fuzzyKeyword(word, INVOICE_WORDS, 4)) return 'invoice_id';
  const rest = GLUED_RE.exec(word)?.[1];
  if (rest && ORDER_WORDS.has(rest)) return 'order_id';
  if (rest && INVOICE_WORDS.has(rest)) return 'invoice_id';
  return undefined;
}

/** The type named by the word just before the id, past fillers: "order no. 10042", "bill #00108". */
function strictAnchor(text: string, start: number): IdType | undefined {
  for (const tok of tokensBefore(text, start, 6)) {
    if (FILLERS.has(tok.text)) continue;
    return anchorOf(tok.text);
  }
  return undefined;
}

/** "my order hasn't arrived, it's 10042": an order word earlier in the clause, with no blocker between. */
function clauseMentionsOrder(text: string, start: number): boolean {
  const tokens = tokensBefore(text, start, WIDE_LOOKBACK);
  // "ship my order to 10001", "my order, call me at 5551234567": a place, a time or a phone, not the id.
  if (PLACE_PREPOSITIONS.has(tokens[0]?.text ?? '')) return false;
  for (const tok of tokens) {
    const t = tok.text;
    if (t === '.' || t === '!' || t === '?' || t === ';' || BLOCKERS.has(t)) return false;
    // "order 10042 shipped to 94107 instead of 94110": the order word already has its number.
    if (t.charCodeAt(0) >= 48 && t.charCodeAt(0) <= 57) return false;
    if (fuzzyKeyword(t, ORDER_WORDS, 5)) return true;
  }
  return false;
}

function digitsValue(code: string): string {
  const digits = code.replace(/\D/g, '');
  return digits.replace(/^0+(?=\d)/, '');
}

function idValue(type: IdType, code: string): string {
  const plain = code.replace(/^#\s?/, '');
  if (type === 'order_id' && /^[\d-]+$/.test(plain)) return digitsValue(plain);
  return plain.toUpperCase();
}

function plausible(code: string, hasHash: boolean): boolean {
  const digits = code.replace(/\D/g, '').length;
  if (digits < 4 && !(hasHash && digits >= 3)) return false;
  if (!hasHash && /^(?:19|20)\d\d$/.test(code)) return false; // a year, not an id
  return !DATE_LIKE_RE.test(code);
}

type TReading = { type: IdType; score: number; start: number; code: string };

/** Decides whether the code at `m` is an id, of which type and how sure, from its prefix and context. */
function readCode(
  text: string,
  m: RegExpExecArray,
  prev: TCandidate | undefined,
  options: TIdOptions,
): TReading | undefined {
  const prefix = readIdPrefix(text, m.index);
  if (!prefix) return undefined;
  const body = m[0];
  const end = m.index + body.length;
  const { letters, hash, start } = prefix;
  const code = text.slice(start, end);
  const lower = letters.toLowerCase();
  if (ORDER_PREFIXES.has(lower)) return { type: 'order_id', score: SCORE.idPrefixed, start, code: body };
  if (INVOICE_PREFIXES.has(lower)) return { type: 'invoice_id', score: SCORE.idPrefixed, start, code };
  if (letters) {
    const glued = anchorOf(lower);
    if (glued) {
      // "order#10042", "purchase113542617735902": the keyword is glued on; the span is the id alone.
      const own = (text.slice(prefix.lettersEnd, m.index).includes('#') ? '#' : '') + body;
      return { type: glued, score: SCORE.idKeyword, start: end - own.length, code: own };
    }
    const type = strictAnchor(text, start);
    return type && { type, score: SCORE.idKeyword, start, code };
  }
  if (prev && LIST_GLUE_RE.test(text.slice(prev.end, start))) {
    return { type: prev.type as IdType, score: prev.score, start, code }; // "orders 10042, 10043 and 10044"
  }
  const type = strictAnchor(text, start);
  if (type) return { type, score: SCORE.idKeyword, start, code };
  if (hash || AMAZON_RE.test(body) || clauseMentionsOrder(text, start)) {
    return { type: 'order_id', score: SCORE.idLoose, start, code };
  }
  if (options.expecting) return { type: options.expecting, score: SCORE.idExpected, start, code };
  return undefined;
}

/** Order and invoice ids, anchored by a letter prefix, a nearby keyword, a '#', or the dialogue's expectation. */
export function findIds(text: string, options: TIdOptions = {}): TCandidate[] {
  const out: TCandidate[] = [];
  let prev: TCandidate | undefined;
  for (const m of allMatches(CODE_RE, text)) {
    // Most digit runs in a message are short ("2 items", "$49.99", "555 123"): drop them before any look-back.
    if (m[0].length < 3 || (m[0].length === 3 && text[m.index - 1] !== '#')) continue;
    const r: TReading | undefined = readCode(text, m, prev, options);
    if (!r) continue;
    const end = m.index + m[0].length;
    const plain = r.code.replace(/^#\s?/, '');
    if (!plausible(plain, r.code.startsWith('#'))) continue;
    if (r.score !== SCORE.idPrefixed && QUANTITY_WORDS.has(wordAfter(text, end))) continue;
    prev = { type: r.type, value: idValue(r.type, r.code), start: r.start, end, score: r.score };
    out.push(prev);
  }
  return out;
}
