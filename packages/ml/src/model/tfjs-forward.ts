import type { TFeatures } from '../featurize/featurize.ts';
import { padBatch } from '../featurize/pad-batch.ts';
import { tf } from '../train/backend.ts';
import type { TBagMlp } from './bag-mlp.ts';

export type TTfjsScorer = {
  /** Logits, row-major [bags.length, classes]. */
  logits: (bags: ReadonlyArray<Pick<TFeatures, 'ids' | 'weights'>>) => Float32Array;
  dispose: () => void;
};

/**
 * The same forward pass as the ONNX graph, in TensorFlow.js: gather rows, weight and sum them, then the
 * dense layers; ensemble members are averaged. The weights are uploaded once, so scoring a batch is cheap
 * enough to give a student fresh soft targets every step, and it checks that the exported model computes
 * what was trained.
 */
export function tfjsScorer(members: readonly TBagMlp[]): TTfjsScorer {
  const weights = members.map((m) => ({
    m,
    emb: tf.tensor2d(m.emb, [m.buckets, m.embDim]),
    embBias: tf.tensor1d(m.embBias),
    layers: m.layers.map((l) => ({ w: tf.tensor2d(l.w, [l.inDim, l.outDim]), b: tf.tensor1d(l.b) })),
  }));
  return {
    logits: (bags) =>
      tf.tidy(() => {
        const batch = padBatch([...bags]);
        const ids = tf.tensor2d(batch.ids, [batch.rows, batch.width], 'int32');
        const w = tf.tensor3d(batch.weights, [batch.rows, batch.width, 1]);
        const outs = weights.map(({ m, emb, embBias, layers }) => {
          let x: tf.Tensor2D = tf.add(tf.sum(tf.mul(tf.gather(emb, ids), w), 1), embBias);
          if (m.activation === 'none') return x;
          for (const l of layers) x = tf.add(tf.matMul(tf.relu(x), l.w), l.b);
          return x;
        });
        const logits = outs.length === 1 ? outs[0]! : tf.div(tf.addN(outs), outs.length);
        return logits.dataSync() as Float32Array;
      }),
    dispose: () => {
      for (const x of weights) tf.dispose([x.emb, x.embBias, ...x.layers.flatMap((l) => [l.w, l.b])]);
    },
  };
}
