/**
 * One dataset, one process (so peak RSS belongs to this training alone): trains the factory's teacher,
 * student and int8 student plus the linear baseline, checks that ONNX computes what TensorFlow.js does, and
 * prints one JSON line. Usage: tsx bench/ml/train-one.ts TRAIN.jsonl OUT_DIR EVAL.jsonl EVAL_SPLIT
 */
import { readLabeledJsonl, splitOf } from '../../packages/ml/src/data/read-jsonl.ts';
import { featurize } from '../../packages/ml/src/featurize/featurize.ts';
import { argmax } from '../../packages/ml/src/model/bag-mlp.ts';
import { tfjsScorer } from '../../packages/ml/src/model/tfjs-forward.ts';
import { IntentClassifier } from '../../packages/ml/src/onnx/intent-classifier.ts';
import { trainBaseline } from '../../packages/ml/src/train/train-baseline.ts';
import { trainFactory } from '../../packages/ml/src/train/train-factory.ts';

const [trainFile, out, evalFile, evalSplit] = process.argv.slice(2);
if (!trainFile || !out || !evalFile || !evalSplit)
  throw new Error('usage: train-one.ts TRAIN OUT EVAL SPLIT');
const log = (line: string) => console.error(line);
const factory = await trainFactory({ files: [trainFile], out, log });
const rssAfterFactory = process.resourceUsage().maxRSS / 1024;
// CPU seconds of the factory run: on a busy shared machine, wall time says more about the neighbours.
const cpu = process.cpuUsage();
const factoryCpuSeconds = (cpu.user + cpu.system) / 1e6;

// Same inputs through TensorFlow.js and ONNX Runtime: argmax agreement, fp32 student and int8 vs fp32.
const rows = readLabeledJsonl(evalFile).filter((r) => splitOf(r) === evalSplit);
const student = await IntentClassifier.load(`${out}/student`);
const int8 = await IntentClassifier.load(`${out}/student-int8`);
const c = student.manifest.labels.length;
let sameTfjs = 0;
let sameInt8 = 0;
const scorer = tfjsScorer([factory.models.student]);
for (let s = 0; s < rows.length; s += 256) {
  const bags = rows.slice(s, s + 256).map((r) => featurize(r.text, student.manifest.featurizer));
  const tfjs = scorer.logits(bags);
  const onnx = await student.logits(bags);
  const q = await int8.logits(bags);
  for (let i = 0; i < bags.length; i++) {
    const a = argmax(onnx.subarray(i * c, (i + 1) * c));
    if (a === argmax(tfjs.subarray(i * c, (i + 1) * c))) sameTfjs++;
    if (a === argmax(q.subarray(i * c, (i + 1) * c))) sameInt8++;
  }
}
const baseline = await trainBaseline({ files: [trainFile], out: `${out}/baseline`, log });
console.log(
  JSON.stringify({
    backend: factory.backend,
    trainRows: factory.trainRows,
    seconds: { ...factory.seconds, baseline: baseline.seconds },
    peakRssMb: Math.round(rssAfterFactory),
    factoryCpuSeconds: Math.round(factoryCpuSeconds),
    argmaxAgreement: {
      onnxVsTfjs: sameTfjs / rows.length,
      int8VsFp32: sameInt8 / rows.length,
      rows: rows.length,
    },
  }),
);
