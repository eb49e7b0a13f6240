const MONTH_NAMES = [
  ['january', 'jan'],
  ['february', 'feb'],
  ['march', 'mar'],
  ['april', 'apr'],
  ['may'],
  ['june', 'jun'],
  ['july', 'jul'],
  ['august', 'aug'],
  ['september', 'sept', 'sep'],
  ['october', 'oct'],
  ['november', 'nov'],
  ['december', 'dec'],
] as const;

export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;

/** Month word (full or abbreviated, any case) → 1..12. */
export const MONTHS: ReadonlyMap<string, number> = new Map(
  MONTH_NAMES.flatMap((names, i) => names.map((n) => [n, i + 1] as const)),
);

/** Longest names first so the alternation prefers "september" over "sep". */
export const MONTH_ALT = [...MONTHS.keys()].sort((a, b) => b.length - a.length).join('|');
export const WEEKDAY_ALT = WEEKDAYS.join('|');

const pad = (n: number) => String(n).padStart(2, '0');

export function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1000 || y > 9999) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function isoDate(y: number, m: number, d: number): string {
  return `${y}-${pad(m)}-${pad(d)}`;
}

export function isoMonth(y: number, m: number): string {
  return `${y}-${pad(m)}`;
}

/** Calendar arithmetic in UTC on the reference's own calendar day, so time zones never shift the date. */
export function shiftDays(ref: Date, days: number): string {
  const t = Date.UTC(ref.getFullYear(), ref.getMonth(), ref.getDate() + days);
  const d = new Date(t);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function shiftMonths(ref: Date, months: number): string {
  const d = new Date(Date.UTC(ref.getFullYear(), ref.getMonth() + months, 1));
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, Math.min(ref.getDate(), last));
}

export function twoDigitYear(y: number): number {
  return y >= 100 ? y : y >= 70 ? 1900 + y : 2000 + y;
}
