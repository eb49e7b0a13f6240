/**
 * Single-text ONNX Runtime latency of the bundles of one training run, measured in turns (see
 * round-robin.ts). Usage: npx tsx bench/ml/latency.ts RUN_DIR DATA.jsonl SPLIT [calls]
 */
import path from 'node:path';
import { readLabeledJsonl, splitOf } from '../../packages/ml/src/data/read-jsonl.ts';
import { IntentClassifier } from '../../packages/ml/src/onnx/intent-classifier.ts';
import { roundRobinLatency } from './round-robin.ts';

const [dir, data, split, callsArg] = process.argv.slice(2);
if (!dir || !data || !split) throw new Error('usage: latency.ts RUN_DIR DATA.jsonl SPLIT [calls]');
const variants = ['baseline', 'teacher', 'student', 'student-int8'];
const models = await Promise.all(variants.map((v) => IntentClassifier.load(path.join(dir, v))));
const texts = readLabeledJsonl(data)
  .filter((r) => splitOf(r) === split)
  .map((r) => r.text);
const lat = await roundRobinLatency(models, texts, Number(callsArg ?? 3000));
for (const [k, v] of variants.entries()) {
  const x = lat[k]!;
  console.log(
    `${v.padEnd(13)} p50 ${x.p50Ms.toFixed(4)} ms  p99 ${x.p99Ms.toFixed(3)} ms  teacher/this ${(lat[1]!.p50Ms / x.p50Ms).toFixed(2)}×  interleaved p50 ${x.p50InterleavedMs.toFixed(4)} ms (${(lat[1]!.p50InterleavedMs / x.p50InterleavedMs).toFixed(2)}×)  (featurise p50 ${x.p50FeaturizeMs.toFixed(4)} ms)`,
  );
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
