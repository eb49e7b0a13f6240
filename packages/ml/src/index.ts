/** Browser-safe surface: schemas, featurisation and metrics. Runtimes live under ./onnx and ./train. */
export * from './bundle/manifest.ts';
export * from './featurize/index.ts';
export * from './metrics/index.ts';
