import { CODES, SYMBOLS, WORDS, ZERO_DECIMALS } from './currencies.ts';
import { parseLocaleNumber } from './parse-number.ts';
import { allMatches } from './regex.ts';
import { SCORE, type TCandidate } from './types.ts';

const NUM = String.raw`\d{1,3}(?:[,.'\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
const SYM = '[$€£¥₹₩₽₺₪₫₱₦฿]';
const CODE_ALT = [...CODES].join('|');
const WORD_ALT = Object.keys(WORDS).join('|');

// "$49.99", "US$ 20", "€1.299,00", "$2k", "$50 USD", "USD 49.99". Letters may touch the symbol
// ("refunding$1") because people type that way; they may not touch the digits.
const PREFIX_RE = new RegExp(
  String.raw`(?:(?:(?<![\p{L}\p{N}])(US|CA|AU|NZ|HK|[CASR]))?(${SYM})|(?<![\p{L}\p{N}])(${CODE_ALT})\s?)\s?(${NUM})(?!\d)(?:\s?([kK])(?!\p{L}))?(?:\s?(${CODE_ALT}))?(?![\p{L}\p{N}])`,
  'gu',
);
const PREFIX_HINT_RE = /[$€£¥₹₩₽₺₪₫₱₦฿]|[A-Z]{3}/;
// "49.99 USD", "49,99 €", "1499 dollars", "50 cents".
const SUFFIX_RE = new RegExp(
  String.raw`(?<![a-z\d.,$€£¥₹])(${NUM})\s?(?:(${SYM})|(${CODE_ALT}|${WORD_ALT}|cents?)(?![a-z]))`,
  'gi',
);

function format(n: number, currency: string): string {
  return `${n.toFixed(ZERO_DECIMALS.has(currency) ? 0 : 2)} ${currency}`;
}

function push(out: TCandidate[], start: number, surface: string, n: number, currency: string | undefined) {
  if (!currency || !Number.isFinite(n)) return;
  out.push({
    type: 'amount',
    value: format(n, currency),
    start,
    end: start + surface.length,
    score: SCORE.amount,
  });
}

function fromPrefix(m: RegExpExecArray): [number, string | undefined] {
  const [, region = '', symbol, code, num = '', kilo, trailing] = m;
  const n = parseLocaleNumber(num) * (kilo ? 1000 : 1);
  if (trailing) return [n, trailing];
  if (code) return [n, code];
  return [n, SYMBOLS[region + symbol] ?? SYMBOLS[symbol ?? '']];
}

function fromSuffix(text: string, m: RegExpExecArray): [number, string | undefined] {
  const [surface, num = '', symbol, word] = m;
  const n = parseLocaleNumber(num);
  if (symbol) return [n, SYMBOLS[symbol]];
  if (!word) return [n, undefined];
  const lower = word.toLowerCase();
  if (lower.startsWith('cent')) return [n / 100, 'USD'];
  if (lower.startsWith('pound') && /^\s+of\b/i.test(text.slice(m.index + surface.length)))
    return [n, undefined];
  // Three-letter codes count only in capitals: "try 50" is a verb, "50 TRY" is lira.
  if (CODES.has(word)) return [n, word];
  return [n, WORDS[lower]];
}

/** Money with its currency; a number without one ("2 items", "order 10042") is not an amount. */
export function findAmounts(text: string): TCandidate[] {
  const out: TCandidate[] = [];
  const prefixed = PREFIX_HINT_RE.test(text);
  for (const m of prefixed ? allMatches(PREFIX_RE, text) : []) push(out, m.index, m[0], ...fromPrefix(m));
  for (const m of allMatches(SUFFIX_RE, text)) push(out, m.index, m[0], ...fromSuffix(text, m));
  return out;
}
