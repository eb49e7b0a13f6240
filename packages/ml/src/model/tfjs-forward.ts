import type { TPaddedBatch } from '../featurize/pad-batch.ts';
import { tf } from '../train/backend.ts';
import type { TBagMlp } from './bag-mlp.ts';

/**
 * The same forward pass as the ONNX graph, in TensorFlow.js: gather rows, weight and sum them, then the
 * dense layers; ensemble members are averaged. Used to check that the exported model computes what was
 * trained.
 */
export function tfjsLogits(members: readonly TBagMlp[], batch: TPaddedBatch): Float32Array {
  return tf.tidy(() => {
    const ids = tf.tensor2d(batch.ids, [batch.rows, batch.width], 'int32');
    const w = tf.tensor3d(batch.weights, [batch.rows, batch.width, 1]);
    const outs = members.map((m) => {
      const emb = tf.tensor2d(m.emb, [m.buckets, m.embDim]);
      let x: tf.Tensor2D = tf.add(tf.sum(tf.mul(tf.gather(emb, ids), w), 1), tf.tensor1d(m.embBias));
      if (m.activation === 'none') return x;
      for (const l of m.layers) {
        x = tf.add(tf.matMul(tf.relu(x), tf.tensor2d(l.w, [l.inDim, l.outDim])), tf.tensor1d(l.b));
      }
      return x;
    });
    const logits = outs.length === 1 ? outs[0]! : tf.div(tf.addN(outs), outs.length);
    return logits.dataSync() as Float32Array;
  });
}
