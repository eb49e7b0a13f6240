import { pct } from '../../components/format';

export type TDriftMetric =
  | 'intentPsi'
  | 'intentJs'
  | 'confidencePsi'
  | 'confidenceKs'
  | 'lengthPsi'
  | 'lengthKs'
  | 'unknownTokenRate'
  | 'intentShare';

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
  intentShare: 'intent share',
} as const satisfies Record<TDriftMetric, string>;

export const driftMetricName = (metric: string) =>
  (DRIFT_METRIC_NAME as Record<string, string>)[metric] ?? metric;

/** A figure of `metric` as people read it: the unknown-word rate in percent, the others to two decimals. */
export const driftFigure = (metric: string, x: number, extra = 0) =>
  metric === 'unknownTokenRate' ? pct(x, extra) : x.toFixed(2 + extra);

/** An `intentShare` breach names its intent: `value` is its share of the window, `threshold` the reference's. */
type TBreach = { metric: string; value: number; threshold: number; intent?: string };

/** "intent mix (PSI) 4.26 > 0.69", "unknown words 12 % > 5 %", "track_order share 4.7 % → 8.9 %". */
export function breachText(b: TBreach) {
  // A share moves either way: "from → to" reads right for a fall, "value > threshold" would not.
  if (b.intent !== undefined) return `${b.intent} share ${pct(b.threshold)} → ${pct(b.value)}`;
  // A value just over its threshold gets one more digit, so it never reads "0.10 > 0.10".
  const extra = driftFigure(b.metric, b.value) === driftFigure(b.metric, b.threshold) ? 1 : 0;
  return `${driftMetricName(b.metric)} ${driftFigure(b.metric, b.value, extra)} > ${driftFigure(b.metric, b.threshold, extra)}`;
}

/** One line for a window's breaches, or `none` when it kept none (older reports alerted without them). */
export const breachesText = (list: readonly TBreach[], none: string) =>
  list.length ? list.map(breachText).join(', ') : none;

/**
 * The measures that moved, once each ("intent mix, unknown words", "track_order share"): a table cell of
 * every breach's full name ran to seven lines; the figures go in its title. An intent that moved is named,
 * since which one is what the alert is about.
 */
export const breachedMeasures = (list: readonly TBreach[]) =>
  [
    ...new Set(
      list.map((b) =>
        b.intent !== undefined ? `${b.intent} share` : driftMetricName(b.metric).replace(/ \(.*\)$/, ''),
      ),
    ),
  ].join(', ');
