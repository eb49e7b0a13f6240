/**
 * Single-text ONNX Runtime latency of the bundles of one training run, measured round-robin (one call to
 * each bundle in turn, same text) so that a busy machine slows them all alike and ratios stay fair.
 * Usage: npx tsx bench/ml/latency.ts RUN_DIR DATA.jsonl SPLIT [calls]
 */
import path from 'node:path';
import { readLabeledJsonl, splitOf } from '../../packages/ml/src/data/read-jsonl.ts';
import { percentile } from '../../packages/ml/src/metrics/drift.ts';
import { IntentClassifier } from '../../packages/ml/src/onnx/intent-classifier.ts';

const [dir, data, split, callsArg] = process.argv.slice(2);
if (!dir || !data || !split) throw new Error('usage: latency.ts RUN_DIR DATA.jsonl SPLIT [calls]');
const variants = ['baseline', 'teacher', 'student', 'student-int8'];
const models = await Promise.all(variants.map((v) => IntentClassifier.load(path.join(dir, v))));
const texts = readLabeledJsonl(data)
  .filter((r) => splitOf(r) === split)
  .map((r) => r.text);
const calls = Number(callsArg ?? 3000);
const times = variants.map(() => [] as number[]);
for (let i = 0; i < calls + 200; i++) {
  const text = texts[i % texts.length]!;
  for (const [k, m] of models.entries()) {
    const bag = m.featurize(text);
    const t0 = process.hrtime.bigint();
    await m.logits([bag]);
    if (i >= 200) times[k]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const p50 = times.map((t) => percentile(t, 0.5));
for (const [k, v] of variants.entries()) {
  console.log(
    `${v.padEnd(13)} p50 ${p50[k]!.toFixed(3)} ms  p99 ${percentile(times[k]!, 0.99).toFixed(3)} ms  teacher/this ${(p50[1]! / p50[k]!).toFixed(2)}×`,
  );
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
