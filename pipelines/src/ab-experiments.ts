// Server-only: A/B experiment results and lifecycle (PostgreSQL through @acsa/db), for the console and CLI.
export { concludeExperiment, stopExperiment } from './ab-lifecycle.ts';
export { listExperiments, resolveExperiment, type TExperimentListItem } from './ab-list.ts';
export {
  controlOf,
  experimentResults,
  type TExperimentResults,
  type TMetric,
  type TRate,
  type TVariantResult,
} from './ab-results.ts';
export { type TVariantCounts, type TVariantKey, variantCounts } from './ab-variant-counts.ts';
