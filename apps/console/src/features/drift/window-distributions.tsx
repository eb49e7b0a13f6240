'use client';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { niceTicks, pct, pctTick } from '@/components/format';

/** `moved`: the intent-share test alerted on this intent. */
export type TShareRow = { name: string; reference: number; live: number; moved?: boolean };

const AXIS = { fontSize: 12, fill: '#57606a' };
const REFERENCE = '#8c959f';
const LIVE = '#0550ae';
/** Round share ticks up to the largest bar, reference or live. */
const shareTicks = (rows: { reference: number; live: number }[]) =>
  niceTicks(Math.max(0, ...rows.flatMap((r) => [r.reference, r.live])), 1);
// Reference before live, as the bars are drawn (the default sorts the legend alphabetically).
const referenceFirst = (item: { value?: unknown }) => (item.value === 'reference' ? 0 : 1);

/** Intents whose share is largest on either side; the rest would be bars too thin to read. */
const TOP_INTENTS = 12;

/**
 * Reference against live share of each intent in one window, largest first, as horizontal bars. An intent
 * whose share moved is always drawn, marked "(moved)", even when it is too small to be among the largest.
 */
export function IntentShares({ rows }: { rows: TShareRow[] }) {
  const top = new Set(rows.slice(0, TOP_INTENTS));
  const shown = rows
    .filter((r) => top.has(r) || r.moved)
    .map((r) => ({ ...r, label: r.moved ? `${r.name} (moved)` : r.name }));
  const rest = rows.filter((r) => !top.has(r) && !r.moved);
  const sum = (k: 'reference' | 'live') => rest.reduce((s, r) => s + r[k], 0);
  const ticks = shareTicks(shown);
  return (
    <figure className="card chart" data-testid="intent-shares">
      <figcaption>Intent shares, reference against live</figcaption>
      <BarChart
        responsive
        layout="vertical"
        style={{ width: '100%', height: 48 + shown.length * 30 }}
        data={shown}
        margin={{ top: 4, right: 16, left: 8, bottom: 0 }}
        barGap={1}
      >
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis
          type="number"
          tick={AXIS}
          tickFormatter={pctTick}
          domain={[0, ticks.at(-1) ?? 1]}
          ticks={ticks}
        />
        <YAxis type="category" dataKey="label" tick={AXIS} width={190} interval={0} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? pct(v) : '—')} />
        <Legend itemSorter={referenceFirst} />
        <Bar dataKey="reference" name="reference" fill={REFERENCE} isAnimationActive={false} />
        <Bar dataKey="live" name="live" fill={LIVE} isAnimationActive={false} />
      </BarChart>
      {rest.length ? (
        <p className="muted">
          {rest.length} more intents together: {pct(sum('reference'))} of the reference, {pct(sum('live'))}{' '}
          live.
        </p>
      ) : null}
    </figure>
  );
}

/**
 * One histogram (confidence or length) as reference against live share per bin. The axis names each bin by
 * its lower edge (ten "0.4–0.5" labels do not fit side by side in half the page); the tooltip has the range.
 */
export function HistogramShares({
  title,
  bins,
  testId,
}: {
  title: string;
  bins: { bin: string; reference: number; live: number }[];
  testId: string;
}) {
  const ticks = shareTicks(bins);
  return (
    <figure className="card chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <BarChart
        responsive
        style={{ width: '100%', height: 220 }}
        data={bins.map((b) => ({ ...b, from: b.bin.split('–')[0] }))}
        margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
        barGap={1}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="from" tick={AXIS} interval={0} />
        <YAxis tick={AXIS} width={44} tickFormatter={pctTick} domain={[0, ticks.at(-1) ?? 1]} ticks={ticks} />
        <Tooltip
          formatter={(v) => (typeof v === 'number' ? pct(v) : '—')}
          labelFormatter={(_l, payload) => (payload[0]?.payload as { bin?: string } | undefined)?.bin ?? ''}
        />
        <Legend itemSorter={referenceFirst} />
        <Bar dataKey="reference" name="reference" fill={REFERENCE} isAnimationActive={false} />
        <Bar dataKey="live" name="live" fill={LIVE} isAnimationActive={false} />
      </BarChart>
    </figure>
  );
}
