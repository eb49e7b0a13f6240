import { isoDate, isValidDate, twoDigitYear } from './calendar.ts';
import { allMatches } from './regex.ts';
import { SCORE, type TCandidate, type TDateOptions } from './types.ts';

const ISO_RE = /(?<![\p{N}\-/.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\p{N}]|[-/.]\d)/gu;
const DMY_RE = /(?<![\p{N}\-/.])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\p{N}]|[-/.]\d)/gu;
const SEPARATED_DIGITS_RE = /\d[-/.]\d/;
// Without a year "3/4" may be a fraction, so it counts only after a word that introduces a date.
const SHORT_RE = /\b(on|by|since|until|till|before|after|from)\s+(\d{1,2})\/(\d{1,2})(?!\d|[-/.]\d)/gi;

/** Month and day of "a/b": a part over 12 decides; otherwise the configured order ('.' reads European). */
function monthDay(a: number, b: number, sep: string, order: 'mdy' | 'dmy'): [number, number] {
  if (a > 12) return [b, a];
  if (b > 12) return [a, b];
  return order === 'dmy' || sep === '.' ? [b, a] : [a, b];
}

function candidate(start: number, surface: string, value: string): TCandidate {
  return { type: 'date', value, start, end: start + surface.length, score: SCORE.date };
}

export function findNumericDates(text: string, options: TDateOptions): TCandidate[] {
  const out: TCandidate[] = [];
  const order = options.dateOrder ?? 'mdy';
  if (!SEPARATED_DIGITS_RE.test(text)) return out;
  for (const m of allMatches(ISO_RE, text)) {
    const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
    if (isValidDate(y, mo, d)) out.push(candidate(m.index, m[0], isoDate(y, mo, d)));
  }
  for (const m of allMatches(DMY_RE, text)) {
    const [month, day] = monthDay(Number(m[1]), Number(m[3]), m[2]!, order);
    const year = twoDigitYear(Number(m[4]));
    if (isValidDate(year, month, day)) out.push(candidate(m.index, m[0], isoDate(year, month, day)));
  }
  for (const m of allMatches(SHORT_RE, text)) {
    const [month, day] = monthDay(Number(m[2]), Number(m[3]), '/', order);
    const start = m.index + m[0].length - `${m[2]}/${m[3]}`.length;
    const surface = text.slice(start, m.index + m[0].length);
    const year = options.referenceDate?.getFullYear() ?? 2000; // 2000 is a leap year: Feb 29 stays valid
    if (!isValidDate(year, month, day)) continue;
    out.push(candidate(start, surface, options.referenceDate ? isoDate(year, month, day) : surface));
  }
  return out;
}
