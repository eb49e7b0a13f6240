import type { TManifest } from '../bundle/manifest.ts';
import { type TBundleDraft, writeBundle } from '../bundle/write-bundle.ts';
import type { TLabeledRow } from '../data/read-jsonl.ts';
import { evaluate } from '../eval/evaluate.ts';
import { featurize } from '../featurize/featurize.ts';
import { IntentClassifier } from '../onnx/intent-classifier.ts';
import { OnnxLogits } from '../onnx/onnx-session.ts';
import { calibrate } from './calibrate.ts';
import { referenceStats } from './reference-stats.ts';

type TDraft = Omit<TBundleDraft, 'calibration' | 'outOfScope' | 'metrics' | 'reference'>;

/**
 * Turns an exported model into a bundle: calibrates on the dev logits of the ONNX model itself (so the
 * temperature and thresholds fit what serving will run, int8 rounding included), then scores dev and
 * records the reference statistics for drift.
 */
export async function finalizeVariant(a: {
  dir: string;
  onnx: Uint8Array;
  dev: TLabeledRow[];
  labels: string[];
  oosTargetRecall: number;
  vocabulary: Uint32Array;
  draft: TDraft;
}): Promise<TManifest> {
  const c = a.labels.length;
  const session = await OnnxLogits.create(a.onnx, c);
  const bags = a.dev.map((r) => featurize(r.text, a.draft.featurizer));
  const flat = await session.logits(bags);
  await session.release();
  const logits = bags.map((_, i) => flat.slice(i * c, (i + 1) * c));
  const index = new Map(a.labels.map((l, i) => [l, i]));
  const cal = calibrate({
    logits,
    labels: Int32Array.from(a.dev.map((r) => index.get(r.intent)!)),
    labelNames: a.labels,
    oosTargetRecall: a.oosTargetRecall,
  });
  const placeholder = {
    n: 0,
    accuracy: 0,
    macroF1: 0,
    inScopeAccuracy: null,
    oosRecall: null,
    oosPrecision: null,
    ece: 0,
  };
  const draft: TBundleDraft = {
    ...a.draft,
    calibration: { temperature: cal.temperature },
    outOfScope: { label: cal.oosLabel, threshold: cal.oosThreshold, lowConfidence: cal.lowConfidence },
    metrics: { dev: placeholder },
    reference: referenceStats({ texts: [], predicted: [], confidence: [], vocabulary: a.vocabulary }),
  };
  writeBundle(a.dir, a.onnx, draft);
  const clf = await IntentClassifier.load(a.dir);
  const report = await evaluate(clf, a.dev, { latencySamples: 0 });
  const predictions = await clf.predict(
    a.dev.map((r) => r.text),
    { topK: 1 },
  );
  await clf.release();
  const { n, accuracy, macroF1, inScopeAccuracy, oosRecall, oosPrecision, ece } = report;
  return writeBundle(a.dir, a.onnx, {
    ...draft,
    metrics: { dev: { n, accuracy, macroF1, inScopeAccuracy, oosRecall, oosPrecision, ece } },
    reference: referenceStats({
      texts: a.dev.map((r) => r.text),
      predicted: predictions.map((p) => p.intent),
      confidence: predictions.map((p) => p.confidence),
      vocabulary: a.vocabulary,
    }),
  });
}
