import { shiftDays, shiftMonths, WEEKDAY_ALT, WEEKDAYS } from './calendar.ts';
import { allMatches } from './regex.ts';
import { SCORE, type TCandidate, type TDateOptions } from './types.ts';

const DAY_WORDS: Readonly<Record<string, number>> = {
  today: 0,
  tonight: 0,
  yesterday: -1,
  tomorrow: 1,
  'the day before yesterday': -2,
  'the day after tomorrow': 2,
};
const COUNTS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const DAY_RE = /\b(the day before yesterday|the day after tomorrow|today|tonight|yesterday|tomorrow)\b/gi;
const AGO_RE =
  /\b(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month)s?\s+ago\b/gi;
const WEEKDAY_RE = new RegExp(String.raw`\b(?:(last|next|this|on)\s+)?(${WEEKDAY_ALT})\b`, 'gi');

/** The date of `weekday` before (dir -1) or after (dir 1) the reference day, never the day itself. */
function nearestWeekday(ref: Date, weekday: number, dir: 1 | -1): string {
  const diff = (weekday - ref.getDay()) * dir;
  const steps = ((diff % 7) + 7) % 7 || 7;
  return shiftDays(ref, steps * dir);
}

function push(out: TCandidate[], start: number, surface: string, value: string) {
  out.push({ type: 'date', value, start, end: start + surface.length, score: SCORE.date });
}

/**
 * "yesterday", "3 days ago", "last Friday". Resolved to ISO dates only against `referenceDate`; a bare
 * weekday ("on Monday") stays as written because past or future depends on the verb's tense.
 */
export function findRelativeDates(text: string, options: TDateOptions): TCandidate[] {
  const out: TCandidate[] = [];
  const ref = options.referenceDate;
  const lower = text.toLowerCase();
  // Each form needs one of these substrings; checking them first keeps most messages to three scans.
  const days = lower.includes('day') || lower.includes('tomorrow') || lower.includes('tonight');
  if (!days && !lower.includes('ago')) return out;
  for (const m of days ? allMatches(DAY_RE, text) : []) {
    const offset = DAY_WORDS[m[1]!.toLowerCase()] ?? 0;
    push(out, m.index, m[0], ref ? shiftDays(ref, offset) : m[0]);
  }
  for (const m of allMatches(AGO_RE, text)) {
    const count = COUNTS[m[1]!.toLowerCase()] ?? Number(m[1]);
    const unit = m[2]!.toLowerCase();
    let value = m[0];
    if (ref)
      value =
        unit === 'month' ? shiftMonths(ref, -count) : shiftDays(ref, -count * (unit === 'week' ? 7 : 1));
    push(out, m.index, m[0], value);
  }
  for (const m of lower.includes('day') ? allMatches(WEEKDAY_RE, text) : []) {
    const which = m[1]?.toLowerCase();
    const weekday = WEEKDAYS.indexOf(m[2]!.toLowerCase() as (typeof WEEKDAYS)[number]);
    const start = which === 'on' ? m.index + m[0].length - m[2]!.length : m.index;
    const surface = text.slice(start, m.index + m[0].length);
    const dir = which === 'last' ? -1 : which === 'next' ? 1 : 0;
    push(out, start, surface, ref && dir !== 0 ? nearestWeekday(ref, weekday, dir) : surface);
  }
  return out;
}
