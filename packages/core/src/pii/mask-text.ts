import { isPhoneShape, type TGroup } from './phone-shape.ts';

/**
 * Masks the contact and payment details customers type into free text (emails, phone numbers, card
 * numbers, IBANs), and the password of a connection URL, wherever text leaves the database for somewhere
 * people read: log lines, dead letters.
 * Field-name redaction cannot catch these: they sit inside a sentence, under whatever key holds it.
 * Order numbers, tracking numbers, dates, prices and ids stay readable (phone-shape.ts says how a phone is told
 * apart); what is masked is replaced whole, so nothing of it can be pieced back together.
 */
export const PII_MASKS = { email: '[email]', phone: '[phone]', card: '[card]', iban: '[iban]' } as const;

// Local part and labels are bounded so a long run of word characters costs linear time, not quadratic.
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
// Never inside a word, an id (uuid, INV-2026-0001), a decimal, a path or a longer number.
const NOT_AFTER = String.raw`(?<![\w@.+\-/])`;
const NOT_BEFORE = String.raw`(?![\w@]|[.:/-]\d)`;
const CARD = new RegExp(String.raw`${NOT_AFTER}\d(?:[ -]?\d){12,18}${NOT_BEFORE}`, 'g');
const PHONE = new RegExp(
  String.raw`${NOT_AFTER}(?:\+ ?)?(?:\(\d{1,5}\)[ .-]?\d{1,15}|\d{1,15})` +
    String.raw`(?:[ .-]\d{1,15}|[ .-]?\(\d{1,5}\)[ .-]?\d{1,15}){0,11}${NOT_BEFORE}`,
  'g',
);
/** `scheme://user:password@`: the password, up to the last @ before the host (a password may hold an @). */
const URL_PASSWORD = /([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@]*:)[^\s/]*@/gi;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}/g;
const IBAN_LENGTHS = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 ' +
    'FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 ' +
    'LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 ' +
    'SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20'
  )
    .split(' ')
    .map((c) => [c.slice(0, 2), Number(c.slice(2))]),
);

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

// Card numbers are written bare or in the issuers' groupings (4-4-4-4, 4-6-5); five-digit groups are
// lists of order numbers, not cards. Networks start with 2-6; epoch milliseconds start with 1.
function isCard(groups: string[]): boolean {
  const lengths = groups.map((g) => g.length);
  const shape = lengths.join(',');
  const grouped =
    lengths.length === 1 ||
    shape === '4,6,5' ||
    shape === '4,6,4' ||
    (lengths.slice(0, -1).every((l) => l === 4) && lengths.at(-1)! <= 4);
  const digits = groups.join('');
  return grouped && digits.length >= 13 && '23456'.includes(digits[0]!) && luhn(digits);
}

/** The card, or the card before a number that follows it ("4111 1111 1111 1111 12 items"). */
function maskCard(match: string): string {
  const groups = match.split(/[ -]/);
  for (let n = groups.length; n > 0; n--) {
    if (!isCard(groups.slice(0, n))) continue;
    const cut = groups.slice(0, n).join(' ').length;
    return PII_MASKS.card + match.slice(cut);
  }
  return match;
}

function ibanValid(compact: string): boolean {
  let rem = 0;
  for (const ch of compact.slice(4) + compact.slice(0, 4)) {
    const v = Number.parseInt(ch, 36);
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

function maskIban(match: string, offset: number, text: string): string {
  const length = IBAN_LENGTHS.get(match.slice(0, 2));
  if (!length) return match;
  let end = 0;
  let taken = 0;
  while (end < match.length && taken < length) if (match[end++] !== ' ') taken++;
  const next = text[offset + end] ?? '';
  if (taken < length || /[A-Za-z0-9]/.test(next)) return match;
  return ibanValid(match.slice(0, end).replaceAll(' ', '')) ? PII_MASKS.iban + match.slice(end) : match;
}

type TSpan = TGroup & { start: number; end: number };

function groupsOf(match: string): TSpan[] {
  const out: TSpan[] = [];
  const re = /(\+ ?)?([ .-]?)(\()?(\d+)(\))?/g;
  for (let m = re.exec(match); m; m = re.exec(match)) {
    const start = m.index + (m[2]?.length ?? 0);
    out.push({
      digits: m[4]!,
      sep: m[2] ?? '',
      paren: Boolean(m[3]),
      plus: Boolean(m[1]),
      start,
      end: re.lastIndex,
    });
  }
  return out;
}

/**
 * The longest run of groups that is a phone, masked, and the same for what is left either side of it.
 * Runs are cut at spaces only: "10042 07700 900123" is an order and a phone, while a dash or a dot joins
 * the parts of one thing (a uuid's "0000-7000-8000" is no phone).
 */
function maskGroups(match: string, groups: TSpan[]): string {
  const cut = (i: number) => i === 0 || i === groups.length || groups[i]!.sep === ' ';
  for (let size = groups.length; size > 0; size--)
    for (let i = 0; i + size <= groups.length; i++) {
      const window = groups.slice(i, i + size);
      if (!cut(i) || !cut(i + size) || !isPhoneShape(window, { part: true })) continue;
      const first = window[0]!;
      const last = window.at(-1)!;
      const before = maskGroups(match.slice(0, first.start), groups.slice(0, i));
      const after = match.slice(last.end);
      const rest = groups
        .slice(i + size)
        .map((g) => ({ ...g, start: g.start - last.end, end: g.end - last.end }));
      return before + PII_MASKS.phone + maskGroups(after, rest);
    }
  return match;
}

function maskPhone(match: string): string {
  const groups = groupsOf(match);
  if (isPhoneShape(groups)) return PII_MASKS.phone;
  // A run too long to be one phone may be a phone beside an order number ("10042 07700 900123"): its parts
  // are tried. Shorter runs are not, or the first three parts of an IP address would pass for a phone.
  const digits = groups.reduce((n, g) => n + g.digits.length, 0);
  return digits > 13 ? maskGroups(match, groups) : match;
}

/** `text` with every email, phone, card number and IBAN replaced by PII_MASKS. */
export function maskPii(text: string): string {
  if (text.length < 6) return text;
  // Most log strings hold neither an @ nor seven digits: one pass over the characters spares them the regexes.
  let at = false;
  let digits = 0;
  for (let i = 0; i < text.length && !(at && digits >= 7); i++) {
    const c = text.charCodeAt(i);
    if (c === 64) at = true;
    else if (c >= 48 && c <= 57) digits++;
  }
  // A connection URL's password first (postgresql://user:pw@host): the email pattern would take only part of it.
  let out = at ? text.replace(URL_PASSWORD, '$1***@').replace(EMAIL, PII_MASKS.email) : text;
  if (digits >= 7) out = out.replace(IBAN, maskIban).replace(CARD, maskCard).replace(PHONE, maskPhone);
  return out;
}
