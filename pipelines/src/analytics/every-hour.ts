export const HOUR = 3_600_000;

/** The hour `d` falls in (UTC: hours are whole multiples of 3,600,000 ms since the epoch). */
export const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);

/**
 * Every hour from `from` up to `to` (not included), each with the row of that hour or null where there is
 * none. Charts put their points side by side whatever time lies between them, so a series of only the hours
 * with rows drew two hours a day apart as neighbours; a null in each missing hour keeps the gap where it
 * was. Of several rows in one hour the last wins (callers pass them oldest first).
 */
export function everyHour<T>(opts: {
  from: Date;
  to: Date;
  rows: readonly T[];
  hourOf: (row: T) => Date;
}): { hour: Date; row: T | null }[] {
  const start = hourOf(opts.from).getTime();
  const byHour = new Map(opts.rows.map((r) => [hourOf(opts.hourOf(r)).getTime(), r]));
  return Array.from({ length: Math.max(0, Math.ceil((opts.to.getTime() - start) / HOUR)) }, (_, i) => {
    const hour = new Date(start + i * HOUR);
    return { hour, row: byHour.get(hour.getTime()) ?? null };
  });
}
