import type { TFeatures } from './featurize.ts';

/** A batch of bags as the ONNX inputs want them: [rows, width], padded with id 0 and weight 0. */
export type TPaddedBatch = { rows: number; width: number; ids: Int32Array; weights: Float32Array };

export function padBatch(bags: Array<Pick<TFeatures, 'ids' | 'weights'>>): TPaddedBatch {
  const width = Math.max(1, ...bags.map((b) => b.ids.length));
  const ids = new Int32Array(bags.length * width);
  const weights = new Float32Array(bags.length * width);
  bags.forEach((b, r) => {
    ids.set(b.ids, r * width);
    weights.set(b.weights, r * width);
  });
  return { rows: bags.length, width, ids, weights };
}
