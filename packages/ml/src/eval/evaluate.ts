import { isOutOfScope } from '../data/read-jsonl.ts';
import { expectedCalibrationError } from '../metrics/calibration.ts';
import { accuracy, macroF1, perIntentScores, type TIntentScores } from '../metrics/classification.ts';
import { percentile } from '../metrics/drift.ts';
import { bestAtRecall, oosCurve, oosScores, type TOosPoint } from '../metrics/out-of-scope.ts';
import { argmax, softmax } from '../model/bag-mlp.ts';
import type { IntentClassifier } from '../onnx/intent-classifier.ts';

export type TEvalReport = {
  n: number;
  accuracy: number;
  macroF1: number;
  inScopeAccuracy: number | null;
  oosRecall: number | null;
  oosPrecision: number | null;
  ece: number;
  sizeBytes: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  /** Featurise + ONNX + decision for one text, as serving sees it. */
  p50EndToEndMs: number;
  perIntent: TIntentScores[];
  /** The most frequent confusions (gold intent answered as another), most frequent first. */
  confusions: Array<{ gold: string; predicted: string; n: number }>;
  /** Best in-scope accuracy over all thresholds at out-of-scope recall ≥ 0.7 (the usual CLINC150 view). */
  oosAtRecall70: TOosPoint | null;
};

const OOS = 'oos';
const canon = (intent: string) => (isOutOfScope(intent) ? OOS : intent);

/**
 * Evaluates a loaded bundle on labeled texts exactly as serving would decide (calibration and out-of-scope
 * rules from its manifest). Latency: one text per ONNX Runtime run, after a warm-up, over up to
 * `latencySamples` texts.
 */
export async function evaluate(
  clf: IntentClassifier,
  rows: ReadonlyArray<{ text: string; intent: string }>,
  opts: {
    latencySamples?: number;
    batchSize?: number;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<TEvalReport> {
  const labels = clf.manifest.labels;
  const c = labels.length;
  const bags = rows.map((r) => clf.featurize(r.text));
  const gold = rows.map((r) => canon(r.intent));
  const pred: string[] = [];
  const conf: number[] = [];
  const correct: boolean[] = [];
  const candidates: Array<{ gold: string; top: string; confidence: number }> = [];
  const bs = opts.batchSize ?? 256;
  for (let s = 0; s < bags.length; s += bs) {
    const part = bags.slice(s, s + bs);
    const logits = await clf.logits(part);
    clf.decide(logits, part.length, 1).forEach((d, i) => {
      const p = softmax(logits.subarray(i * c, (i + 1) * c), clf.manifest.calibration.temperature);
      const top = canon(labels[argmax(p)]!);
      pred.push(canon(d.intent));
      conf.push(p[argmax(p)]!);
      correct.push(top === gold[s + i]);
      candidates.push({ gold: gold[s + i]!, top, confidence: p[argmax(p)]! });
    });
    opts.onProgress?.(Math.min(bags.length, s + bs), bags.length + (opts.latencySamples ?? 500));
  }
  const oos = oosScores(gold, pred, isOutOfScope);
  const hasOos = gold.some(isOutOfScope) || labels.some(isOutOfScope);
  const scores = perIntentScores(gold, pred);
  const samples = opts.latencySamples ?? 500;
  const latency = samples
    ? await measureLatency(clf, rows, samples, (d) =>
        opts.onProgress?.(bags.length + d, bags.length + samples),
      )
    : { p50LatencyMs: 0, p99LatencyMs: 0, p50EndToEndMs: 0 };
  return {
    n: rows.length,
    accuracy: accuracy(gold, pred),
    macroF1: macroF1(scores),
    ...oos,
    ece: expectedCalibrationError(conf, correct),
    sizeBytes: clf.manifest.model.sizeBytes,
    ...latency,
    perIntent: scores,
    confusions: topConfusions(gold, pred, TOP_CONFUSIONS),
    oosAtRecall70: hasOos ? bestAtRecall(oosCurve(candidates, isOutOfScope, OOS), 0.7) : null,
  };
}

/** Enough pairs to see what moved between two versions, few enough to keep in a step's output. */
const TOP_CONFUSIONS = 50;

function topConfusions(gold: readonly string[], pred: readonly string[], top: number) {
  const counts = new Map<string, { gold: string; predicted: string; n: number }>();
  gold.forEach((g, i) => {
    const p = pred[i]!;
    if (g === p) return;
    const key = `${g}\u0000${p}`;
    const row = counts.get(key) ?? { gold: g, predicted: p, n: 0 };
    row.n++;
    counts.set(key, row);
  });
  return [...counts.values()]
    .sort((a, b) => b.n - a.n || a.gold.localeCompare(b.gold) || a.predicted.localeCompare(b.predicted))
    .slice(0, top);
}

async function measureLatency(
  clf: IntentClassifier,
  rows: ReadonlyArray<{ text: string }>,
  samples: number,
  progress: (done: number) => void,
): Promise<{ p50LatencyMs: number; p99LatencyMs: number; p50EndToEndMs: number }> {
  const picked = rows.slice(0, Math.max(1, Math.min(samples, rows.length)));
  const bags = picked.map((r) => clf.featurize(r.text));
  for (const b of bags.slice(0, 50)) await clf.logits([b]);
  const run: number[] = [];
  const e2e: number[] = [];
  for (let i = 0; i < bags.length; i++) {
    const t0 = process.hrtime.bigint();
    await clf.logits([bags[i]!]);
    const t1 = process.hrtime.bigint();
    await clf.predict([picked[i]!.text]);
    const t2 = process.hrtime.bigint();
    run.push(Number(t1 - t0) / 1e6);
    e2e.push(Number(t2 - t1) / 1e6);
    if (i % 50 === 0) progress(i);
  }
  progress(bags.length);
  return {
    p50LatencyMs: percentile(run, 0.5),
    p99LatencyMs: percentile(run, 0.99),
    p50EndToEndMs: percentile(e2e, 0.5),
  };
}
