import * as ort from 'onnxruntime-node';
import type { TFeatures } from '../featurize/featurize.ts';
import { padBatch } from '../featurize/pad-batch.ts';

export type TSessionOptions = { intraOpThreads?: number };

/** A loaded ONNX model that maps feature bags to logits; one `run` per batch. */
export class OnnxLogits {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly classes: number,
  ) {}

  static async create(bytes: Uint8Array, classes: number, opts: TSessionOptions = {}): Promise<OnnxLogits> {
    const session = await ort.InferenceSession.create(bytes, {
      // One thread by default: serving runs many small requests side by side, and at batch 1 the thread
      // pool's hand-off costs more than it saves.
      intraOpNumThreads: opts.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new OnnxLogits(session, classes);
  }

  /** Logits for each bag, row-major [bags.length, classes]. */
  async logits(bags: Array<Pick<TFeatures, 'ids' | 'weights'>>): Promise<Float32Array> {
    if (bags.length === 0) return new Float32Array(0);
    const b = padBatch(bags);
    const out = await this.session.run({
      ids: new ort.Tensor('int32', b.ids, [b.rows, b.width]),
      weights: new ort.Tensor('float32', b.weights, [b.rows, b.width]),
    });
    return out.logits!.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
