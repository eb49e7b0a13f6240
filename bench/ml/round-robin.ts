import { percentile } from '../../packages/ml/src/metrics/drift.ts';
import type { IntentClassifier } from '../../packages/ml/src/onnx/intent-classifier.ts';

export type TRoundRobinLatency = {
  /** One text per ONNX Runtime run, the bundle called `block` times in a row (as serving calls its model). */
  p50Ms: number;
  p99Ms: number;
  /** The same, but the bundles take turns call by call: each call follows other bundles' calls. */
  p50InterleavedMs: number;
  p50FeaturizeMs: number;
};

/**
 * Single-text ONNX Runtime latency of several bundles, measured in turns so that a busy machine slows them
 * all alike and their ratios stay fair: each bundle in turn runs `block` consecutive texts, and every bundle
 * sees the same texts in the same order. A bundle is timed on a run of its own calls, as serving and
 * `acsa eval` call one model: with turns of one call, each call would start on caches the other bundles
 * have just filled (the teacher's tables are 270 MB), which penalises whichever bundle follows the teacher.
 * That per-call figure is kept as `p50InterleavedMs`. Featurisation in JS, which every variant pays alike,
 * is timed apart.
 */
export async function roundRobinLatency(
  models: readonly IntentClassifier[],
  texts: readonly string[],
  calls: number,
  opts: { block?: number; warmup?: number } = {},
): Promise<TRoundRobinLatency[]> {
  const block = opts.block ?? 50;
  const warmup = opts.warmup ?? 200;
  const timeTurns = async (turn: number, total: number, skip: number) => {
    const run = models.map(() => [] as number[]);
    const feat = models.map(() => [] as number[]);
    for (let start = 0; start < total; start += turn) {
      for (const [k, m] of models.entries()) {
        for (let i = start; i < Math.min(total, start + turn); i++) {
          const t0 = process.hrtime.bigint();
          const bag = m.featurize(texts[i % texts.length]!);
          const t1 = process.hrtime.bigint();
          await m.logits([bag]);
          const t2 = process.hrtime.bigint();
          if (i < skip) continue;
          feat[k]!.push(Number(t1 - t0) / 1e6);
          run[k]!.push(Number(t2 - t1) / 1e6);
        }
      }
    }
    return { run, feat };
  };
  const warm = await timeTurns(block, calls + warmup, warmup);
  const interleaved = await timeTurns(1, Math.ceil(calls / 4) + warmup, warmup);
  return models.map((_, k) => ({
    p50Ms: percentile(warm.run[k]!, 0.5),
    p99Ms: percentile(warm.run[k]!, 0.99),
    p50InterleavedMs: percentile(interleaved.run[k]!, 0.5),
    p50FeaturizeMs: percentile(warm.feat[k]!, 0.5),
  }));
}
