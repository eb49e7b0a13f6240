/**
 * How the console prints figures and moments, so that every page says them the same way:
 * rates in %, deltas in percentage points with their sign, sizes in B/kB/MB, and times in UTC, saying so
 * (reviewers and engineers sit in different time zones; the server renders, and it runs in UTC).
 */

/** A rate (0–1) in %: `pct(0.1234)` → `12.3 %`; no figure → `—`. */
export const pct = (x: number | null | undefined, digits = 1) =>
  x == null ? '—' : `${(x * 100).toFixed(digits)} %`;

/**
 * A change of a rate in percentage points, with its sign and which way it went: a change under 0.05 points
 * is flat, but keeps its sign (an interval's bound just above or below zero must say which side it is on).
 */
export function pp(delta: number | null): { text: string; tone: 'up' | 'down' | 'flat' } {
  if (delta === null) return { text: '—', tone: 'flat' };
  const points = delta * 100;
  const sign = points > 0 ? '+' : points < 0 ? '−' : '±';
  return {
    text: `${sign}${Math.abs(points).toFixed(1)} pp`,
    tone: Math.abs(points) < 0.05 ? 'flat' : points > 0 ? 'up' : 'down',
  };
}

export const mb = (bytes: number) =>
  bytes < 1_000
    ? `${bytes} B`
    : bytes < 100_000
      ? `${(bytes / 1e3).toFixed(1)} kB`
      : `${(bytes / 1e6).toFixed(1)} MB`;

const iso = (d: Date | string) => new Date(d).toISOString();

/** A moment to the minute (`2026-12-06 14:05 UTC`), or to the second; none → `—`. */
export const utc = (d: Date | string | null | undefined, to: 'minute' | 'second' = 'minute') =>
  d == null
    ? '—'
    : `${iso(d)
        .replace('T', ' ')
        .slice(0, to === 'minute' ? 16 : 19)} UTC`;

/** The time of day only (`14:05`, or `14:05:09`), for moments of one day already named nearby. */
export const clock = (d: Date | string | null | undefined, to: 'minute' | 'second' = 'minute') =>
  d == null ? '—' : iso(d).slice(11, to === 'minute' ? 16 : 19);

/** An hour on a chart's axis: `12-06 14h`. */
export const hourLabel = (d: Date | string) => `${iso(d).slice(5, 10)} ${iso(d).slice(11, 13)}h`;

/** `1 alert`, `3 alerts`: a count and its noun, singular for one. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * A uuid as people read and compare it across pages: its last 8 digits. Ids are uuidv7, whose first digits
 * are the time it was made, shared by every record made around then; the last are random.
 */
export const shortId = (id: string) => id.slice(-8);

/**
 * An axis from 0 to at least `max` in 3–5 round steps (1, 2, 2.5 or 5 times a power of ten): recharts spread
 * its ticks over whatever top it was given, so a chart of PSI up to 4.7 read "0, 2, 4.7" and a share up to
 * 34 % "9 %, 17 %, 26 %". `cap` bounds the top (1 for a share or a KS D).
 */
export function niceTicks(max: number, cap = Number.POSITIVE_INFINITY): number[] {
  const top = Math.min(cap, max > 0 && Number.isFinite(max) ? max : 1);
  const rough = top / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const count = Math.ceil(top / step - 1e-9);
  // Sums of a float step drift (0.30000000000000004): each tick is rounded to the step's own digits.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toFixed(digits)));
}

/** A share on an axis: whole percents as "20 %", a 2.5 % step's as "7.5 %". */
export const pctTick = (x: number) => pct(x, Math.abs(x * 100 - Math.round(x * 100)) < 1e-6 ? 0 : 1);

/** A line's worth of a longer text: cut at a word-ish boundary with an ellipsis. */
export const clip = (text: string, max = 90) =>
  text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
