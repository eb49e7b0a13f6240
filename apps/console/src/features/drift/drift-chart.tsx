'use client';
import type { ReactElement } from 'react';
import {
  CartesianGrid,
  DefaultTooltipContent,
  type DotItemDotProps,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { niceTicks } from '@/components/format';
import type { TDriftPoint, TKsPoint } from './drift-points';

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
 * A mark on a figure with no figure either side of it, none elsewhere: with hours without a report drawn as
 * gaps, a window reported alone between two has no segment to draw and would not show at all. Marks on every
 * window of a week would bury the lines.
 */
const alone =
  <T,>(points: readonly T[], key: keyof T, mark: (x: number, y: number) => ReactElement) =>
  (d: DotItemDotProps) => {
    const at = (i: number) => points[i]?.[key];
    if (
      typeof at(d.index) !== 'number' ||
      typeof at(d.index - 1) === 'number' ||
      typeof at(d.index + 1) === 'number'
    )
      return null;
    return typeof d.cx === 'number' && typeof d.cy === 'number' ? (
      <g key={`${String(key)}-${d.index}`}>{mark(d.cx, d.cy)}</g>
    ) : null;
  };

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
function ThresholdChart<T extends { label: string; reported: boolean }>(props: {
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
  const newest = props.points.findLast((p) => p.reported);
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
      <figcaption>
        {props.caption}.{' '}
        <span className="muted">Hours in UTC; a break in a line is an hour with no report.</span>
      </figcaption>
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
        {/* Recharts hides the tooltip of an hour whose figures are all null, so an hour without a report showed
            nothing on hover; with nulls kept until here it says so, and a reported hour lists its figures. */}
        <Tooltip
          filterNull={false}
          formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : '—')}
          content={(p) => {
            const point = p.payload?.[0]?.payload as T | undefined;
            return (
              <DefaultTooltipContent
                {...p}
                payload={p.payload?.filter((e) => e.value != null)}
                label={point && !point.reported ? `${p.label} UTC: no drift report` : `${p.label} UTC`}
              />
            );
          }}
        />
        {/* Each entry drawn as its line is, dashes and all: round markers made every series look alike. */}
        <Legend iconType="plainline" iconSize={22} />
        {props.lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={l.name}
            {...SERIES[l.name]}
            strokeWidth={2}
            // Off, as it is by default, and on purpose: a line across an hour without a report drew two
            // windows a day apart as if they were consecutive.
            connectNulls={false}
            dot={alone(props.points, l.key, (x, y) => (
              <circle cx={x} cy={y} r={2.5} fill={SERIES[l.name].stroke} />
            ))}
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
            connectNulls={false}
            // A step needs a next window to run to: a lone window's threshold is a short dash across its point.
            dot={alone(props.points, g.limit, (x, y) => (
              <line x1={x - 8} x2={x + 8} y1={y} y2={y} stroke={ALERT} strokeWidth={1.5} />
            ))}
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
      caption="Population stability per hour (PSI; red: the alert threshold each window was held to, higher for small ones)"
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
    'Kolmogorov–Smirnov D per hour (confidence and length; red: the alert threshold each window was held to)';
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
