import { findNamedDates } from './named-dates.ts';
import { findNumericDates } from './numeric-dates.ts';
import { findRelativeDates } from './relative-dates.ts';
import type { TCandidate, TDateOptions } from './types.ts';

const HAS_DATE_HINT = /\d|day|tomorrow|tonight|ago/i;

/** Dates as ISO strings where the text pins one down, otherwise as written. Years alone are not dates. */
export function findDates(text: string, options: TDateOptions = {}): TCandidate[] {
  // Every date form carries a digit or one of these words; most chat turns have neither.
  if (!HAS_DATE_HINT.test(text)) return [];
  const hasDigit = /\d/.test(text);
  return [
    ...(hasDigit ? findNumericDates(text, options) : []),
    ...(hasDigit ? findNamedDates(text, options) : []),
    ...findRelativeDates(text, options),
  ];
}
