import { isoDate, isoMonth, isValidDate, MONTH_ALT, MONTHS } from './calendar.ts';
import { allMatches } from './regex.ts';
import { SCORE, type TCandidate, type TDateOptions } from './types.ts';

const ORD = '(?:st|nd|rd|th)?';
// "March 3", "Mar. 3rd, 2026", "3 March 2026", "3rd of May", "March 2026".
const MONTH_FIRST_RE = new RegExp(
  String.raw`\b(${MONTH_ALT})\.?\s+(?:(\d{4})(?!\d)|(\d{1,2})${ORD}(?![a-z\d]|[.,:]\d)(?:,?\s+(\d{4})(?!\d))?)`,
  'gi',
);
const DAY_MONTH_RE = new RegExp(
  String.raw`(?<![\d.,])(\d{1,2})${ORD}\s+(?:of\s+)?(${MONTH_ALT})\b\.?(?:,?\s+(\d{4})(?!\d))?`,
  'gi',
);

/** "may" is a verb far more often than a month, so only "May" counts. */
function monthOf(word: string): number | undefined {
  if (word.toLowerCase() === 'may' && word !== 'May' && word !== 'MAY') return undefined;
  return MONTHS.get(word.toLowerCase());
}

export function findNamedDates(text: string, options: TDateOptions): TCandidate[] {
  const out: TCandidate[] = [];
  const refYear = options.referenceDate?.getFullYear();
  const add = (start: number, surface: string, y: number | undefined, m: number, d: number) => {
    const year = y ?? refYear;
    if (!isValidDate(year ?? 2000, m, d)) return;
    const value = year === undefined ? surface.trim() : isoDate(year, m, d);
    out.push({ type: 'date', value, start, end: start + surface.length, score: SCORE.date });
  };
  for (const m of allMatches(MONTH_FIRST_RE, text)) {
    const month = monthOf(m[1]!);
    if (!month) continue;
    if (m[2]) {
      const value = isoMonth(Number(m[2]), month); // "March 2026": a month, not a day
      out.push({ type: 'date', value, start: m.index, end: m.index + m[0].length, score: SCORE.date });
    } else add(m.index, m[0], m[4] ? Number(m[4]) : undefined, month, Number(m[3]));
  }
  for (const m of allMatches(DAY_MONTH_RE, text)) {
    const month = monthOf(m[2]!);
    if (month) add(m.index, m[0], m[3] ? Number(m[3]) : undefined, month, Number(m[1]));
  }
  return out;
}
