import { tokensBefore } from './lookback.ts';
import { allMatches } from './regex.ts';
import { SCORE, type TCandidate } from './types.ts';

// Shapes that are phones on their own: international (+…), North American (555-123-4567, (555) 123 4567,
// 1-800-555-0199) and trunk-0 national numbers (020 7946 0958, 07700 900123). Two bare 5-digit order
// numbers in a row ("10042 10043") fit none of them, which is the point.
const INTL = String.raw`\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?)(?:[\s.-]?\d{2,5}){1,5}`;
const NANP = String.raw`(?:1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}`;
const TRUNK = String.raw`0\d{2,4}[\s-]\d{3,4}[\s-]?\d{3,4}`;
const BARE = String.raw`\d{7,15}`;
const PHONE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}+@#$€£.,/-])(?:(${INTL})|(${NANP})|(${TRUNK})|(${BARE}))(?![\p{L}\p{N}@]|[.,/-]\d)`,
  'gu',
);
const PHONE_WORDS: ReadonlySet<string> = new Set([
  'phone',
  'mobile',
  'cell',
  'cellphone',
  'tel',
  'telephone',
  'call',
  'text',
  'sms',
  'whatsapp',
  'fax',
  'landline',
  'ring',
]);
const CLAUSE_END: ReadonlySet<string> = new Set(['.', '!', '?', ';', ',']);

/** A bare digit run is a phone only after a phone word in its clause: "call me at 5551234567". */
function afterPhoneWord(text: string, start: number): boolean {
  for (const tok of tokensBefore(text, start, 8)) {
    if (PHONE_WORDS.has(tok.text)) return true;
    if (CLAUSE_END.has(tok.text)) return false;
  }
  return false;
}

export function findPhones(text: string): TCandidate[] {
  const out: TCandidate[] = [];
  for (const m of allMatches(PHONE_RE, text)) {
    const surface = m[0];
    const digits = surface.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    if (m[4] !== undefined && !afterPhoneWord(text, m.index)) continue;
    out.push({
      type: 'phone',
      value: (surface.startsWith('+') ? '+' : '') + digits,
      start: m.index,
      end: m.index + surface.length,
      score: SCORE.phone,
    });
  }
  return out;
}
