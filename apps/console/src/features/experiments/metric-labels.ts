import type { TCreateExperiment, TMetric } from '@acsa/pipelines/experiments';

/**
 * Each A/B metric's one name, in sentence case, wherever the console says it: the experiments table, the
 * primary-metric line, the charts and the new-experiment form. A metric named two ways reads as two metrics.
 */
export const METRIC_LABEL = {
  escalationRate: 'Escalation rate',
  positiveFeedbackRate: 'Positive feedback',
  accuracy: 'Accuracy on reviewed turns',
} as const satisfies Record<TMetric, string>;

/** Which way a metric wins: said where one is chosen as primary and where the page names the primary one. */
const WINS = {
  escalationRate: 'lower',
  positiveFeedbackRate: 'higher',
  accuracy: 'higher',
} as const satisfies Record<TMetric, 'lower' | 'higher'>;

/** "Escalation rate (lower wins)". */
export const metricWithWinner = (metric: TMetric) => `${METRIC_LABEL[metric]} (${WINS[metric]} wins)`;

export type TPrimaryMetric = TCreateExperiment['primaryMetric'];

/** The form's choices, by the server's input name, each with the metric the results name it by. */
export const PRIMARY_METRIC = {
  escalation_rate: 'escalationRate',
  positive_feedback_rate: 'positiveFeedbackRate',
  accuracy: 'accuracy',
} as const satisfies Record<TPrimaryMetric, TMetric>;
