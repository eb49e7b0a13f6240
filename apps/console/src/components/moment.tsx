import { clock, utc } from '@/components/format';

/**
 * A moment in UTC on one line (`2026-12-06 19:05 UTC`): a date broken between its day and its time reads
 * as two values in a narrow column, so it never wraps; the machine-readable instant is in `dateTime`, and
 * the moment to the second in a tooltip. With `day` (a conversation's start, which already names the date)
 * it is the time of day to the second on that day, and the full moment to the second on another (a
 * conversation that ran past midnight).
 */
export function Moment({
  at,
  to = 'minute',
  prefix,
  day,
}: {
  at: Date | string | null | undefined;
  to?: 'minute' | 'second';
  prefix?: string;
  day?: Date | string;
}) {
  if (at == null) return <>—</>;
  const iso = new Date(at).toISOString();
  const sameDay = day != null && new Date(day).toISOString().slice(0, 10) === iso.slice(0, 10);
  return (
    <time dateTime={iso} title={utc(at, 'second')} className="nowrap">
      {prefix ? `${prefix} ` : ''}
      {sameDay ? clock(at, 'second') : utc(at, day == null ? to : 'second')}
    </time>
  );
}
