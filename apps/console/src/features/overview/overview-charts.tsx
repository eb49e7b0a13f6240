'use client';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { pct } from '@/components/format';

const percent = (v: unknown) => (typeof v === 'number' ? pct(v, 0) : '—');

export type THourPoint = {
  /** "MM-DD HHh" in UTC, the chart's axis label. */
  label: string;
  turns: number;
  escalationRate: number | null;
  lowConfidenceRate: number | null;
  csat: number | null;
};
export type TLatencyBar = { version: string; p50Ms: number; p95Ms: number; turns: number };

const CHART = { width: '100%', height: 220 } as const;
const AXIS = { fontSize: 12, fill: '#57606a' };
/** Room on the right for half of a label ("12-07 09h") near the window's end, which would be cut off. */
const HOURS_MARGIN = { top: 8, right: 36, left: 0, bottom: 0 };
/** A rate's hours as dots too: an hour between empty ones has no line to draw, and would not show. */
const DOT = { r: 3, strokeDasharray: 'none' } as const;

/**
 * Hours between the x-axis labels: a whole step that divides the day, so the labels keep one clock time
 * apart and start at the window's first hour; at most five, as more "12-06 09h" overlap at half the page.
 * recharts' preserveStartEnd dropped whichever label crowded the last, leaving one gap wider than the rest.
 */
function hourStep(points: number): number {
  const span = Math.max(points - 1, 1);
  return [1, 2, 3, 4, 6, 12, 24, 48].find((step) => span / step <= 4) ?? 48;
}

/**
 * Each chart is a figure with its caption; the same numbers are in the table below them for anyone who
 * cannot read a chart. Colours are the console's accent, warning and bad tones, with line styles apart.
 */
export function OverviewCharts({ hourly, latency }: { hourly: THourPoint[]; latency: TLatencyBar[] }) {
  // recharts' interval is the number of ticks skipped between two labels.
  const hours = { dataKey: 'label', tick: AXIS, interval: hourStep(hourly.length) - 1 } as const;
  return (
    <div className="charts">
      <figure className="card chart">
        <figcaption>Customer turns per hour</figcaption>
        <BarChart responsive style={CHART} data={hourly} margin={HOURS_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis {...hours} />
          <YAxis allowDecimals={false} tick={AXIS} width={40} />
          <Tooltip />
          <Bar dataKey="turns" name="turns" fill="#0550ae" isAnimationActive={false} />
        </BarChart>
      </figure>
      <figure className="card chart">
        <figcaption>Escalation and low-confidence rate</figcaption>
        <LineChart responsive style={CHART} data={hourly} margin={HOURS_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis {...hours} />
          <YAxis tickFormatter={percent} tick={AXIS} width={48} domain={[0, 'auto']} />
          <Tooltip formatter={percent} />
          <Legend iconType="plainline" iconSize={22} />
          <Line
            dataKey="escalationRate"
            name="escalated"
            stroke="#b42318"
            strokeWidth={2}
            dot={DOT}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            dataKey="lowConfidenceRate"
            name="low confidence"
            stroke="#9a6700"
            strokeWidth={2}
            strokeDasharray="6 3"
            dot={DOT}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </figure>
      <figure className="card chart">
        <figcaption>CSAT (mean rating, 1–5)</figcaption>
        <LineChart responsive style={CHART} data={hourly} margin={HOURS_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis {...hours} />
          <YAxis domain={[1, 5]} ticks={[1, 2, 3, 4, 5]} tick={AXIS} width={32} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : '—')} />
          <Line
            dataKey="csat"
            name="CSAT"
            stroke="#1a7f37"
            strokeWidth={2}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </figure>
      <figure className="card chart">
        <figcaption>Latency per model version (ms)</figcaption>
        <BarChart
          responsive
          style={CHART}
          data={latency}
          layout="vertical"
          margin={{ top: 8, right: 16, left: 8, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={AXIS} />
          <YAxis type="category" dataKey="version" tick={AXIS} width={150} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toFixed(1)} ms` : '—')} />
          <Legend />
          <Bar dataKey="p50Ms" name="p50" fill="#54aeff" isAnimationActive={false} />
          <Bar dataKey="p95Ms" name="p95" fill="#0550ae" isAnimationActive={false} />
        </BarChart>
      </figure>
    </div>
  );
}
