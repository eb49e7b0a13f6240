import { pct } from '../../components/format';

export type TDriftMetric =
  | 'intentPsi'
  | 'intentJs'
  | 'confidencePsi'
  | 'confidenceKs'
  | 'lengthPsi'
  | 'lengthKs'
  | 'unknownTokenRate';

/**
 * What each drift figure is called wherever the console shows it (alerts, tables, the window panel): the
 * report's keys (`intentPsi`) mean nothing to whoever reads an alert. Adding a drift metric without a name
 * here fails to compile.
 */
export const DRIFT_METRIC_NAME = {
  intentPsi: 'intent mix (PSI)',
  intentJs: 'intent mix (Jensen–Shannon)',
  confidencePsi: 'confidence shift (PSI)',
  confidenceKs: 'confidence shift (KS)',
  lengthPsi: 'message length (PSI)',
  lengthKs: 'message length (KS)',
  unknownTokenRate: 'unknown words',
} as const satisfies Record<TDriftMetric, string>;

export const driftMetricName = (metric: string) =>
  (DRIFT_METRIC_NAME as Record<string, string>)[metric] ?? metric;

/** A figure of `metric` as people read it: the unknown-word rate in percent, the others to two decimals. */
export const driftFigure = (metric: string, x: number, extra = 0) =>
  metric === 'unknownTokenRate' ? pct(x, extra) : x.toFixed(2 + extra);

type TBreach = { metric: string; value: number; threshold: number };

/** "intent mix (PSI) 4.26 > 0.69", "unknown words 12 % > 5 %". */
export function breachText(b: TBreach) {
  // A value just over its threshold gets one more digit, so it never reads "0.10 > 0.10".
  const extra = driftFigure(b.metric, b.value) === driftFigure(b.metric, b.threshold) ? 1 : 0;
  return `${driftMetricName(b.metric)} ${driftFigure(b.metric, b.value, extra)} > ${driftFigure(b.metric, b.threshold, extra)}`;
}

/** One line for a window's breaches, or `none` when it kept none (older reports alerted without them). */
export const breachesText = (list: readonly TBreach[], none: string) =>
  list.length ? list.map(breachText).join(', ') : none;

/**
 * The measures that moved, once each ("intent mix, unknown words"): a table cell of every breach's full name
 * ran to seven lines; the figures go in its title.
 */
export const breachedMeasures = (list: readonly TBreach[]) =>
  [...new Set(list.map((b) => driftMetricName(b.metric).replace(/ \(.*\)$/, '')))].join(', ');
