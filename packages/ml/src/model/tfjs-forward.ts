import type { TFeatures } from '../featurize/featurize.ts';
import { tf } from '../train/backend.ts';
import { poolBag, type TBagMlp } from './bag-mlp.ts';

export type TTfjsScorer = {
  /** Logits, row-major [bags.length, classes]. */
  logits: (bags: ReadonlyArray<Pick<TFeatures, 'ids' | 'weights'>>) => Float32Array;
  dispose: () => void;
};

/**
 * The same forward pass as the ONNX graph, as training computes it: each bag's rows weighted and summed by
 * the training loop's own pooling, then the dense layers in TensorFlow.js; ensemble members are averaged.
 * Pooling stays in plain JS because TensorFlow.js's WASM gather copies a [batch, features, embDim] block
 * at ~70 ms per batch of 32, where the sparse sum takes ~1 ms. The dense weights are uploaded once, so
 * scoring a batch is cheap enough to give a student fresh soft targets every step, and it checks that
 * the exported model computes what was trained.
 */
export function tfjsScorer(members: readonly TBagMlp[]): TTfjsScorer {
  const weights = members.map((m) => ({
    m,
    layers: m.layers.map((l) => ({ w: tf.tensor2d(l.w, [l.inDim, l.outDim]), b: tf.tensor1d(l.b) })),
  }));
  return {
    logits: (bags) =>
      tf.tidy(() => {
        const outs = weights.map(({ m, layers }) => {
          const h = m.embDim;
          const pooled = new Float32Array(bags.length * h);
          bags.forEach((bag, r) => {
            poolBag(m, bag.ids, bag.weights, pooled.subarray(r * h, (r + 1) * h));
          });
          let x: tf.Tensor2D = tf.tensor2d(pooled, [bags.length, h]);
          if (m.activation === 'none') return x;
          for (const l of layers) x = tf.add(tf.matMul(tf.relu(x), l.w), l.b);
          return x;
        });
        const logits = outs.length === 1 ? outs[0]! : tf.div(tf.addN(outs), outs.length);
        return logits.dataSync() as Float32Array;
      }),
    dispose: () => {
      for (const x of weights) tf.dispose(x.layers.flatMap((l) => [l.w, l.b]));
    },
  };
}
