'use client';
import { Bar, BarChart, CartesianGrid, ErrorBar, Tooltip, XAxis, YAxis } from 'recharts';
import { niceTicks, pct, pctTick } from '@/components/format';

export type TVariantInterval = {
  variant: string;
  /** The observed rate, 0–1; null with no data yet. */
  rate: number | null;
  interval: [number, number] | null;
};

const AXIS = { fontSize: 12, fill: '#57606a' };

/**
 * One metric's rate per variant with its 95 % interval as error bars: overlapping bars say at a glance that
 * the numbers beside them cannot yet tell the variants apart.
 */
export function VariantIntervalsChart({
  title,
  points,
  empty,
}: {
  /** The metric's name (METRIC_LABEL), in sentence case as every chart caption in the console. */
  title: string;
  points: TVariantInterval[];
  /** What fills the chart, said while nothing has. */
  empty: string;
}) {
  const data = points.map((p) => ({
    variant: p.variant,
    rate: p.rate ?? 0,
    // ErrorBar takes the distances below and above the bar, not the bounds.
    error: p.interval && p.rate !== null ? [p.rate - p.interval[0], p.interval[1] - p.rate] : [0, 0],
    bounds: p.interval,
  }));
  // Zoomed to the highest upper bound: on a fixed 0–100 % axis the intervals of a 5 % rate are invisible.
  const ticks = niceTicks(Math.max(0.05, ...points.map((p) => p.interval?.[1] ?? 0)), 1);
  if (!points.some((p) => p.interval))
    return (
      <figure className="card chart" data-testid={`interval-chart-${title}`}>
        <figcaption>{title} (95 % interval)</figcaption>
        <p className="muted">{empty}</p>
      </figure>
    );
  return (
    <figure className="card chart" data-testid={`interval-chart-${title}`}>
      <figcaption>{title} (95 % interval)</figcaption>
      <BarChart
        responsive
        style={{ width: '100%', height: 180 }}
        data={data}
        margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="variant" tick={AXIS} />
        <YAxis
          tick={AXIS}
          width={44}
          domain={[0, ticks.at(-1) ?? 1]}
          ticks={ticks}
          tickFormatter={pctTick}
          allowDataOverflow
        />
        <Tooltip
          formatter={(_v, _n, item) => {
            const b = (item.payload as { bounds: [number, number] | null }).bounds;
            return b ? `[${pct(b[0])}, ${pct(b[1])}]` : 'no data yet';
          }}
        />
        {/* Neither animates: an ErrorBar animating beside a bar that does not was caught mid-way, a whisker at
            7 % on a 20 % bar, in a screenshot taken once the chart had drawn. */}
        <Bar dataKey="rate" name="rate" fill="#54aeff" isAnimationActive={false}>
          <ErrorBar
            dataKey="error"
            width={12}
            stroke="#0a3069"
            strokeWidth={2}
            direction="y"
            isAnimationActive={false}
          />
        </Bar>
      </BarChart>
    </figure>
  );
}
