'use client';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { niceTicks } from '@/components/format';

export type TDriftPoint = {
  label: string;
  intentPsi: number;
  confidencePsi: number;
  lengthPsi: number;
  /** The threshold the drift check held this window's figure to (raised for small samples). */
  intentPsiLimit: number;
  confidencePsiLimit: number;
  lengthPsiLimit: number;
};

export type TKsPoint = {
  label: string;
  confidenceKs: number | null;
  lengthKs: number | null;
  confidenceKsLimit: number | null;
  lengthKsLimit: number | null;
};

const AXIS = { fontSize: 12, fill: '#57606a' };
const ALERT = '#b42318';
/** One look per measure on both charts: intents blue and solid, confidence amber dashed, length green dotted. */
const SERIES = {
  intents: { stroke: '#0550ae' },
  confidence: { stroke: '#9a6700', strokeDasharray: '6 3' },
  length: { stroke: '#1a7f37', strokeDasharray: '2 3' },
} as const;
type TName = keyof typeof SERIES;
/** A threshold of one measure among several is drawn in red with that measure's dash pattern. */
const dashOf = (name: TName | undefined) => {
  const s = name ? SERIES[name] : undefined;
  return s && 'strokeDasharray' in s ? s.strokeDasharray : undefined;
};

const decimals = (v: number) => v.toFixed(2).replace(/\.?0+$/, '');

/**
 * Measures whose applied thresholds are the same in every window share one threshold line: three red steps
 * on top of each other read as one line with a legend of three.
 */
function thresholdGroups<T>(points: T[], lines: { limit: keyof T; name: TName }[]) {
  const groups: { limit: keyof T; names: TName[] }[] = [];
  for (const l of lines) {
    const same = groups.find((g) => points.every((p) => p[g.limit] === p[l.limit]));
    if (same) same.names.push(l.name);
    else groups.push({ limit: l.limit, names: [l.name] });
  }
  return groups;
}

/**
 * A figure per window for one version, a line per measure, and in red the threshold each window was
 * actually held to, as a step per window: small windows get a higher one so sampling noise does not alert,
 * so a flat line at the configured value showed windows above it that had not alerted.
 */
function ThresholdChart<T extends { label: string }>(props: {
  caption: string;
  points: T[];
  lines: { key: keyof T & string; limit: keyof T & string; name: TName }[];
  /** The highest the axis may go (1 for KS D). */
  cap?: number;
  tick: (v: number) => string;
}) {
  const groups = thresholdGroups(props.points, props.lines);
  // Every figure and threshold drawn, so a threshold above the figures stays in view.
  const values = props.points.flatMap((p) =>
    props.lines.flatMap((l) => [p[l.key], p[l.limit]] as unknown[]).filter((v) => typeof v === 'number'),
  );
  const ticks = niceTicks(Math.max(0, ...(values as number[])), props.cap);
  const newest = props.points.at(-1);
  const applied = newest
    ? props.lines
        .map(
          (l) =>
            `${l.name} ${typeof newest[l.limit] === 'number' ? decimals(newest[l.limit] as number) : '—'}`,
        )
        .join(', ')
    : '';
  return (
    <figure
      className="card chart"
      aria-label={`${props.caption}. Alert threshold applied in the newest window (${newest?.label}): ${applied}`}
    >
      <figcaption>{props.caption}</figcaption>
      <LineChart
        responsive
        style={{ width: '100%', height: 240 }}
        data={props.points}
        margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval="preserveStartEnd" />
        <YAxis
          tick={AXIS}
          width={44}
          domain={[0, ticks.at(-1) ?? 1]}
          ticks={ticks}
          tickFormatter={props.tick}
        />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : '—')} />
        {/* Each entry drawn as its line is, dashes and all: round markers made every series look alike. */}
        <Legend iconType="plainline" iconSize={22} />
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
        {groups.map((g) => (
          <Line
            key={String(g.limit)}
            dataKey={g.limit as string}
            // The legend sorts by name, so "threshold …" follows the measures.
            name={`threshold applied${groups.length > 1 ? ` (${g.names.join(', ')})` : ''}`}
            type="step"
            stroke={ALERT}
            strokeDasharray={groups.length > 1 ? dashOf(g.names[0]) : '4 4'}
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </figure>
  );
}

/** PSI per window for one version, with the threshold each window was held to. */
export function DriftChart({ points }: { points: TDriftPoint[] }) {
  return (
    <ThresholdChart
      caption="Population stability per window (PSI; red: the alert threshold each window was held to, higher for small ones)"
      points={points}
      lines={[
        { key: 'intentPsi', limit: 'intentPsiLimit', name: 'intents' },
        { key: 'confidencePsi', limit: 'confidencePsiLimit', name: 'confidence' },
        { key: 'lengthPsi', limit: 'lengthPsiLimit', name: 'length' },
      ]}
      tick={(v) => (v >= 10 ? v.toFixed(0) : decimals(v))}
    />
  );
}

/**
 * Kolmogorov–Smirnov D per window for one version (0 = same distribution, 1 = disjoint), with the D each
 * window had to exceed (the configured minimum or its critical D, whichever is higher). Windows reported
 * before KS was measured leave gaps; a version with none says what would fill the chart.
 */
export function DriftKsChart({ points }: { points: TKsPoint[] }) {
  const caption =
    'Kolmogorov–Smirnov D per window (confidence and length; red: the alert threshold each window was held to)';
  if (!points.some((p) => p.confidenceKs !== null || p.lengthKs !== null))
    return (
      <figure className="card chart" data-testid="ks-chart-empty">
        <figcaption>{caption}</figcaption>
        <p className="muted">
          No KS figures for these windows: the hourly drift check measures KS D when it compares a window's
          confidence and length histograms with the model's reference, and these windows were reported without
          them (before the KS check, or kept no histograms).
        </p>
      </figure>
    );
  return (
    <ThresholdChart
      caption={caption}
      points={points}
      lines={[
        { key: 'confidenceKs', limit: 'confidenceKsLimit', name: 'confidence' },
        { key: 'lengthKs', limit: 'lengthKsLimit', name: 'length' },
      ]}
      cap={1}
      tick={decimals}
    />
  );
}
