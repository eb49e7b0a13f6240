import { clock, utc } from '@/components/format';

/**
 * When something was said, in UTC: the time of day to the second when the conversation's start (`day`)
 * already names the date, the full moment when it does not (a conversation that ran past midnight, or the
 * start itself). The instant is in `dateTime` for machines and tooltips.
 */
export function MessageTime({ at, day }: { at: Date | string; day?: Date | string }) {
  const iso = new Date(at).toISOString();
  const sameDay = day != null && new Date(day).toISOString().slice(0, 10) === iso.slice(0, 10);
  return (
    <time dateTime={iso} title={utc(at, 'second')} style={{ whiteSpace: 'nowrap' }}>
      {sameDay ? clock(at, 'second') : utc(at, day == null ? 'minute' : 'second')}
    </time>
  );
}
