import type { TThroughput } from '@acsa/pipelines/dead-letters';
import { plural } from '@/components/format';
import { ThroughputSparkline } from './throughput-sparkline';

const SMALL = new Intl.NumberFormat('en', { maximumSignificantDigits: 2 });

/** Jobs per minute as a person reads it: 0.2, 0.017, 1.5, 42 (never "0" for a queue that did work). */
function formatPerMinute(rate: number): string {
  return rate >= 10 ? String(Math.round(rate)) : SMALL.format(rate);
}

// The queue's name and description may wrap; its figures (`nowrap`) read as one line each.
const jobs = (n: number) => plural(n, 'job');

/**
 * A queue's throughput over the last hour (the column's heading says so): the average per minute, completed
 * and (when any) failed for good, with the minute-by-minute shape; or plainly that nothing finished, rather
 * than a flat chart.
 */
export function ThroughputCell({ t }: { t: TThroughput }) {
  if (t.completedTotal === 0 && t.failedTotal === 0)
    return (
      <td data-throughput="0" className="muted nowrap">
        no job finished in the last hour
      </td>
    );
  const peak = Math.max(...t.completed);
  return (
    <td data-throughput={t.completedTotal} data-failed={t.failedTotal} className="nowrap">
      <div>
        <strong>{formatPerMinute(t.completedPerMinute)}/min</strong> completed{' '}
        <span className="muted">({jobs(t.completedTotal)})</span>
      </div>
      {t.failedTotal > 0 ? (
        <div style={{ color: 'var(--bad)' }}>
          <strong>{formatPerMinute(t.failedPerMinute)}/min</strong> failed{' '}
          <span>({jobs(t.failedTotal)})</span>
        </div>
      ) : null}
      <ThroughputSparkline
        completed={t.completed}
        failed={t.failed}
        label={`Completions per minute over the last hour, peak ${peak} in a minute`}
      />
    </td>
  );
}
