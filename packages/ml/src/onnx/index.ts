/** Server-only: loads verified bundles into ONNX Runtime (a native module). */
export { BundleError } from '../bundle/bundle-error.ts';
export { readBundle, type TBundle } from '../bundle/read-bundle.ts';
export { IntentClassifier, type TPrediction, type TScoredIntent } from './intent-classifier.ts';
export { OnnxLogits, type TSessionOptions } from './onnx-session.ts';
