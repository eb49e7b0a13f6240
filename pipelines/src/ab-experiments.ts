// Server-only: A/B experiment results and lifecycle (PostgreSQL through @acsa/db), for the console and CLI.

export { decideExperiments, EXPERIMENT_CHECK_ACTOR, type TExperimentCheck } from './ab-auto-decide.ts';
export {
  concludeExperimentFromConsole,
  experimentsOverview,
  stopExperimentFromConsole,
  type TExperimentsOverview,
} from './ab-console.ts';
export { countedAgo } from './ab-counted-ago.ts';
export {
  createExperimentFromConsole,
  experimentChoices,
  PRIMARY_METRICS,
  type TCreateExperiment,
  ZCreateExperiment,
} from './ab-create.ts';
export {
  DECISION_ALPHA,
  decideExperiment,
  decisionVerdict,
  MIN_DECISION_SESSIONS,
  type TDecision,
  type TDecisionEvidence,
} from './ab-decide.ts';
export { experimentEndings } from './ab-ending.ts';
export { concludeExperiment, runningExperimentName, stopExperiment } from './ab-lifecycle.ts';
export {
  countExperiments,
  listExperiments,
  resolveExperiment,
  type TExperimentListItem,
} from './ab-list.ts';
export {
  controlOf,
  experimentResults,
  type TExperimentResults,
  type TMetric,
  type TRate,
  type TVariantResult,
} from './ab-results.ts';
export { SEQUENTIAL_TAU, sequentialTest, type TSequentialTest } from './ab-sequential.ts';
export {
  RESULTS_FROZEN_AFTER_MS,
  RESULTS_REFRESH_MS,
  RESULTS_SETTLE_MS,
  refreshExperimentResults,
} from './ab-stored-results.ts';
export {
  type TVariantCounts,
  type TVariantKey,
  VARIANT_COUNT_SQL,
  variantCounts,
} from './ab-variant-counts.ts';
