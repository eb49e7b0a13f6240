import { utc } from '@/components/format';

/**
 * A moment in UTC on one line (`2026-12-06 19:05 UTC`): a date broken between its day and its time reads
 * as two values in a narrow column, so it never wraps; the machine-readable instant is in `dateTime`, and
 * the moment to the second in a tooltip.
 */
export function Moment({
  at,
  to = 'minute',
  prefix,
}: {
  at: Date | string | null | undefined;
  to?: 'minute' | 'second';
  prefix?: string;
}) {
  if (at == null) return <>—</>;
  return (
    <time dateTime={new Date(at).toISOString()} title={utc(at, 'second')} style={{ whiteSpace: 'nowrap' }}>
      {prefix ? `${prefix} ` : ''}
      {utc(at, to)}
    </time>
  );
}
