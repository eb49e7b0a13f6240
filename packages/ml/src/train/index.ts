/** Server-only: training pulls in TensorFlow.js and writes bundles to disk. */
export { DatasetError } from '../data/dataset-error.ts';
export { isOutOfScope, readLabeledJsonl, splitOf, type TLabeledRow } from '../data/read-jsonl.ts';
export { DEFAULT_DISTILL, DEFAULT_STUDENT, DEFAULT_TEACHER, type TModelSpec } from './factory-options.ts';
export { trainBaseline } from './train-baseline.ts';
export {
  type TFactoryOptions,
  type TFactoryProgress,
  type TFactoryResult,
  trainFactory,
} from './train-factory.ts';
