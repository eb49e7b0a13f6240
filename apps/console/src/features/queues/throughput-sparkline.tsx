'use client';
import { Bar, BarChart, YAxis } from 'recharts';

type TProps = { completed: number[]; failed: number[]; label: string };

const WIDTH = 180;
const EDGE = { display: 'flex', justifyContent: 'space-between', width: WIDTH, fontSize: 11 } as const;

/**
 * A queue's finished jobs, one bar per minute of the last hour, failures stacked on completions in the bad
 * tone. Bars rather than a line: a burst within one minute (the usual shape of a retrain) is one visible
 * bar, where an area would be a hairline at the edge. The figures are in the cell's text beside it, so the
 * chart is one image with a summary for screen readers, not recharts' keyboard layer (a tab stop per row).
 */
export function ThroughputSparkline({ completed, failed, label }: TProps) {
  const data = completed.map((c, i) => ({ c, f: failed[i] ?? 0 }));
  return (
    <div role="img" aria-label={label} style={{ marginTop: 6 }}>
      <BarChart
        width={WIDTH}
        height={32}
        data={data}
        margin={{ top: 0, right: 0, bottom: 0, left: 0 }}
        barCategoryGap={0.5}
        accessibilityLayer={false}
        style={{ borderBottom: '1px solid var(--line)' }}
      >
        <YAxis hide domain={[0, (max: number) => Math.max(max, 1)]} />
        <Bar dataKey="c" stackId="t" fill="#0550ae" isAnimationActive={false} />
        <Bar dataKey="f" stackId="t" fill="#b42318" isAnimationActive={false} />
      </BarChart>
      <div className="muted" style={EDGE} aria-hidden="true">
        <span>60 min ago</span>
        <span>now</span>
      </div>
    </div>
  );
}
