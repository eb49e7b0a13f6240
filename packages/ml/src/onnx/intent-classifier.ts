import type { TManifest } from '../bundle/manifest.ts';
import { readBundle, type TBundle } from '../bundle/read-bundle.ts';
import { featurize, type TFeatures } from '../featurize/featurize.ts';
import { softmax } from '../model/bag-mlp.ts';
import { OnnxLogits, type TSessionOptions } from './onnx-session.ts';

export type TScoredIntent = { intent: string; confidence: number };
export type TPrediction = TScoredIntent & {
  /** True when the top intent is the out-of-scope class or its confidence is under the bundle's threshold. */
  outOfScope: boolean;
  /** True when the confidence is under the bundle's low-confidence mark (serving may ask back). */
  lowConfidence: boolean;
  topK: TScoredIntent[];
};

/**
 * A verified bundle behind ONNX Runtime: featurise → logits → calibrated probabilities → decision. `predict`
 * takes a batch, so a serving micro-batcher can hand it many texts in one run.
 */
export class IntentClassifier {
  private constructor(
    readonly bundle: TBundle,
    private readonly session: OnnxLogits,
  ) {}

  static async load(dir: string, opts: TSessionOptions = {}): Promise<IntentClassifier> {
    const bundle = readBundle(dir);
    return IntentClassifier.fromBundle(bundle, opts);
  }

  static async fromBundle(bundle: TBundle, opts: TSessionOptions = {}): Promise<IntentClassifier> {
    const session = await OnnxLogits.create(bundle.onnx, bundle.manifest.labels.length, opts);
    return new IntentClassifier(bundle, session);
  }

  get manifest(): TManifest {
    return this.bundle.manifest;
  }

  featurize(text: string): TFeatures {
    return featurize(text, this.manifest.featurizer);
  }

  /** Raw logits [bags.length × labels]: for evaluation and for comparing runtimes. */
  logits(bags: Array<Pick<TFeatures, 'ids' | 'weights'>>): Promise<Float32Array> {
    return this.session.logits(bags);
  }

  async predict(texts: readonly string[], opts: { topK?: number } = {}): Promise<TPrediction[]> {
    const bags = texts.map((t) => this.featurize(t));
    const logits = await this.logits(bags);
    return this.decide(logits, texts.length, opts.topK ?? 3);
  }

  /** Calibrated decision for each row of a logits matrix. */
  decide(logits: Float32Array, rows: number, topK = 3): TPrediction[] {
    const { labels, calibration, outOfScope } = this.manifest;
    const c = labels.length;
    const out: TPrediction[] = [];
    for (let r = 0; r < rows; r++) {
      const p = softmax(logits.subarray(r * c, (r + 1) * c), calibration.temperature);
      const order = Array.from(p.keys())
        .sort((a, b) => p[b]! - p[a]!)
        .slice(0, Math.max(1, topK));
      const top = order.map((i) => ({ intent: labels[i]!, confidence: p[i]! }));
      const best = top[0]!;
      const oos =
        (outOfScope.label !== null && best.intent === outOfScope.label) ||
        (outOfScope.threshold !== null && best.confidence < outOfScope.threshold);
      out.push({
        intent: oos ? (outOfScope.label ?? 'oos') : best.intent,
        confidence: best.confidence,
        outOfScope: oos,
        lowConfidence: best.confidence < outOfScope.lowConfidence,
        topK: top,
      });
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
