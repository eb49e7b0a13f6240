import { percentile } from '../../packages/ml/src/metrics/drift.ts';
import type { IntentClassifier } from '../../packages/ml/src/onnx/intent-classifier.ts';

export type TRoundRobinLatency = { p50Ms: number; p99Ms: number; p50FeaturizeMs: number };

/**
 * Single-text ONNX Runtime latency of several bundles, measured round-robin (one call to each bundle in
 * turn, same text) so that a busy machine slows them all alike and their ratios stay fair. The run is
 * timed alone (p50Ms, p99Ms); featurisation in JS, which every variant pays alike, is timed apart.
 */
export async function roundRobinLatency(
  models: readonly IntentClassifier[],
  texts: readonly string[],
  calls: number,
  warmup = 200,
): Promise<TRoundRobinLatency[]> {
  const run = models.map(() => [] as number[]);
  const feat = models.map(() => [] as number[]);
  for (let i = 0; i < calls + warmup; i++) {
    const text = texts[i % texts.length]!;
    for (const [k, m] of models.entries()) {
      const t0 = process.hrtime.bigint();
      const bag = m.featurize(text);
      const t1 = process.hrtime.bigint();
      await m.logits([bag]);
      const t2 = process.hrtime.bigint();
      if (i < warmup) continue;
      feat[k]!.push(Number(t1 - t0) / 1e6);
      run[k]!.push(Number(t2 - t1) / 1e6);
    }
  }
  return models.map((_, k) => ({
    p50Ms: percentile(run[k]!, 0.5),
    p99Ms: percentile(run[k]!, 0.99),
    p50FeaturizeMs: percentile(feat[k]!, 0.5),
  }));
}
