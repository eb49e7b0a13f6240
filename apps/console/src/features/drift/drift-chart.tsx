'use client';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';

export type TDriftPoint = {
  label: string;
  intentPsi: number;
  confidencePsi: number;
  lengthPsi: number;
  intentJs: number;
};

export type TKsPoint = { label: string; confidenceKs: number | null; lengthKs: number | null };

const AXIS = { fontSize: 12, fill: '#57606a' };
/** One look per measure on both charts: intents blue and solid, confidence amber dashed, length green dotted. */
const SERIES = {
  intents: { stroke: '#0550ae' },
  confidence: { stroke: '#9a6700', strokeDasharray: '6 3' },
  length: { stroke: '#1a7f37', strokeDasharray: '2 3' },
} as const;

/** A figure per window for one version, a line per measure, and the alert threshold drawn across. */
function ThresholdChart<T extends { label: string }>(props: {
  caption: string;
  points: T[];
  threshold: number;
  lines: { key: keyof T & string; name: keyof typeof SERIES }[];
  top: (max: number) => number;
  tick: (v: number) => string;
}) {
  return (
    <figure className="card chart">
      <figcaption>{props.caption}</figcaption>
      <LineChart
        responsive
        style={{ width: '100%', height: 240 }}
        data={props.points}
        margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval="preserveStartEnd" />
        <YAxis tick={AXIS} width={44} domain={[0, props.top]} tickFormatter={props.tick} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : '—')} />
        <Legend />
        <ReferenceLine
          y={props.threshold}
          stroke="#b42318"
          strokeDasharray="4 4"
          label={{ value: 'alert', fill: '#b42318', fontSize: 12, position: 'insideTopRight' }}
        />
        {props.lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={l.name}
            {...SERIES[l.name]}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </figure>
  );
}

const decimals = (v: number) => v.toFixed(2).replace(/\.?0+$/, '');

/** PSI per window for one version, with the alert threshold (before the small-sample correction) drawn. */
export function DriftChart({ points, psiThreshold }: { points: TDriftPoint[]; psiThreshold: number }) {
  return (
    <ThresholdChart
      caption={`Population stability per window (PSI; above ${psiThreshold} is a major shift)`}
      points={points}
      threshold={psiThreshold}
      lines={[
        { key: 'intentPsi', name: 'intents' },
        { key: 'confidencePsi', name: 'confidence' },
        { key: 'lengthPsi', name: 'length' },
      ]}
      // A rounded top and two-decimal ticks: the raw maximum (e.g. 4.0022…) was drawn as a clipped label.
      top={(max) => Math.ceil(Math.max(max, psiThreshold * 1.2) * 10) / 10}
      tick={(v) => (v >= 10 ? v.toFixed(0) : decimals(v))}
    />
  );
}

/**
 * Kolmogorov–Smirnov D per window for one version (0 = same distribution, 1 = disjoint), with the configured
 * minimum D drawn; small windows alert only above their critical D, which is higher. Windows reported
 * before KS was measured leave gaps.
 */
export function DriftKsChart({ points, threshold }: { points: TKsPoint[]; threshold: number }) {
  return (
    <ThresholdChart
      caption={`Kolmogorov–Smirnov D per window (confidence and length; above ${threshold} and its critical value is a shift)`}
      points={points}
      threshold={threshold}
      lines={[
        { key: 'confidenceKs', name: 'confidence' },
        { key: 'lengthKs', name: 'length' },
      ]}
      // D is at most 1; a quiet version is zoomed in, but never so far that the threshold is off the chart. A
      // top in steps of 0.2 falls on a tick (0.7 drew its label over the 0.6 tick's).
      top={(max) => Math.min(1, Math.ceil(Math.max(max, threshold * 1.5) * 5) / 5)}
      tick={decimals}
    />
  );
}
