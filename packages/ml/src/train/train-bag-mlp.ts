import { argmax, initBagMlp, logitsOf, poolBag, type TBagMlp, type TBagMlpShape } from '../model/bag-mlp.ts';
import { rng, shuffleInPlace } from '../model/rng.ts';
import { selectBackend, tf } from './backend.ts';
import { SparseAdam, type TBag } from './sparse-adam.ts';

export type { TBag };
export type TExamples = { bags: TBag[]; labels: Int32Array };

/**
 * Soft targets: the teacher's logits ([batch, classes], row-major) for training examples `indices` as the
 * student sees them in this step (`bags`, after feature dropout). Scoring the perturbed bags, not the
 * clean ones, makes the targets carry the teacher's uncertainty instead of echoing the labels it has
 * memorised.
 */
export type TDistill = {
  teacher: (indices: number[], bags: TBag[]) => Float32Array;
  temperature: number;
  alpha: number;
};

export type TTrainOptions = {
  shape: TBagMlpShape;
  epochs: number;
  batchSize: number;
  lr: number;
  dropout: number;
  /** Each feature of a bag is dropped with this probability during training (then rescaled). */
  featureDropout: number;
  labelSmoothing: number;
  patience: number;
  seed: number;
  distill?: TDistill;
  onProgress?: (p: TTrainProgress) => void;
  log?: (line: string) => void;
};
export type TTrainProgress = {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  devAccuracy?: number;
};
export type TTrainResult = { model: TBagMlp; bestEpoch: number; devAccuracy: number; epochsRun: number };

/**
 * Trains a bag-of-features MLP. The sparse first layer lives in plain typed arrays and is updated only on
 * the rows a batch touches (lazy Adam), because a dense gradient over 10^5-10^6 hashed rows per step is
 * what makes Embedding training unusable in TensorFlow.js here; TensorFlow.js computes everything after
 * the pooled bag (activation, dropout, dense layers, loss, its gradients) and the dense Adam updates.
 */
export async function trainBagMlp(
  train: TExamples,
  dev: TExamples,
  opts: TTrainOptions,
): Promise<TTrainResult> {
  await selectBackend(opts.log);
  const model = initBagMlp(opts.shape, opts.seed);
  const h = model.embDim;
  const _c = model.classes;
  const rand = rng(opts.seed ^ 0x9e3779b9);
  const embOpt = new SparseAdam(model.buckets, h, opts.lr);
  const biasOpt = new SparseAdam(1, h, opts.lr);
  const vars = model.layers.map((l, i) => ({
    w: tf.variable(tf.tensor2d(l.w, [l.inDim, l.outDim]), true, `w${i}_${opts.seed}_${Date.now()}`),
    b: tf.variable(tf.tensor1d(l.b), true, `b${i}_${opts.seed}_${Date.now()}`),
  }));
  const headOpt = tf.train.adam(opts.lr);
  // Adam reads its rate on every step; TF.js only hides the field, so the decay schedule sets it here.
  const setHeadLr = (lr: number) => {
    (headOpt as unknown as { learningRate: number }).learningRate = lr;
  };
  const n = train.bags.length;
  const steps = Math.ceil(n / opts.batchSize);
  const order = Array.from({ length: n }, (_, i) => i);
  let best = {
    acc: -1,
    epoch: 0,
    emb: model.emb.slice(),
    embBias: model.embBias.slice(),
    layers: snapshot(vars),
  };
  let epochsRun = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    epochsRun = epoch;
    shuffleInPlace(order, rand);
    for (let s = 0; s < steps; s++) {
      // Linear decay to 10 % of the base rate over the planned epochs.
      const progress = (epoch - 1 + s / steps) / opts.epochs;
      const lr = opts.lr * (1 - 0.9 * progress);
      embOpt.lr = lr;
      biasOpt.lr = lr;
      setHeadLr(lr);
      const batch = order.slice(s * opts.batchSize, (s + 1) * opts.batchSize);
      const bags = batch.map((i) => dropFeatures(train.bags[i]!, opts.featureDropout, rand));
      const pooled = new Float32Array(batch.length * h);
      bags.forEach((bag, r) => {
        poolBag(model, bag.ids, bag.weights, pooled.subarray(r * h, (r + 1) * h));
      });
      const dPooled = headStep({
        model,
        vars,
        headOpt,
        pooled,
        batch,
        bags,
        train,
        opts,
        seed: Math.floor(rand() * 1e9),
      });
      const biasGrad = new Float32Array(h);
      for (let r = 0; r < batch.length; r++) for (let k = 0; k < h; k++) biasGrad[k]! += dPooled[r * h + k]!;
      biasOpt.step(model.embBias, [0], biasGrad);
      embOpt.stepBags(model.emb, bags, dPooled);
      opts.onProgress?.({ epoch, epochs: opts.epochs, step: s + 1, steps });
      await yieldEvery(YIELD_MS);
    }
    writeBack(model, vars);
    const acc = accuracy(model, dev.bags.length ? dev : train);
    opts.onProgress?.({ epoch, epochs: opts.epochs, step: steps, steps, devAccuracy: acc });
    opts.log?.(`epoch ${epoch}: dev accuracy ${(acc * 100).toFixed(2)} %`);
    if (acc > best.acc) {
      best = { acc, epoch, emb: model.emb.slice(), embBias: model.embBias.slice(), layers: snapshot(vars) };
      // No later epoch can beat a perfect score, so none could be picked: stop here.
      if (acc >= 1) break;
    } else if (epoch - best.epoch >= opts.patience) break;
  }
  model.emb = best.emb;
  model.embBias = best.embBias;
  model.layers.forEach((l, i) => {
    l.w = best.layers[i]!.w;
    l.b = best.layers[i]!.b;
  });
  for (const v of vars) {
    v.w.dispose();
    v.b.dispose();
  }
  headOpt.dispose();
  return { model, bestEpoch: best.epoch, devAccuracy: best.acc, epochsRun };
}

/**
 * Training is one long synchronous loop: without a pause the process's event loop never runs, so progress
 * messages, log lines and signals (a sandboxed trainer's IPC, a parent's SIGTERM) wait until the whole
 * stage ends. Letting it turn every YIELD_MS costs a few microseconds per pause.
 */
const YIELD_MS = 200;
let lastYield = performance.now();
async function yieldEvery(ms: number): Promise<void> {
  if (performance.now() - lastYield < ms) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}

type THeadVars = { w: tf.Variable; b: tf.Variable }[];

function headStep(a: {
  model: TBagMlp;
  vars: THeadVars;
  headOpt: tf.Optimizer;
  pooled: Float32Array;
  batch: number[];
  bags: TBag[];
  train: TExamples;
  opts: TTrainOptions;
  seed: number;
}): Float32Array {
  const { model, vars, opts } = a;
  const b = a.batch.length;
  return tf.tidy(() => {
    const x = tf.variable(tf.tensor2d(a.pooled, [b, model.embDim]), true);
    const labels = tf.oneHot(
      tf.tensor1d(
        a.batch.map((i) => a.train.labels[i]!),
        'int32',
      ),
      model.classes,
    );
    const soft = opts.distill
      ? tf.tensor2d(opts.distill.teacher(a.batch, a.bags), [b, model.classes])
      : undefined;
    const lossFn = () => {
      let z: tf.Tensor2D = x;
      if (model.activation === 'relu') {
        z = tf.relu(z);
        if (opts.dropout > 0) z = tf.dropout(z, opts.dropout, undefined, a.seed) as tf.Tensor2D;
        vars.forEach((v, i) => {
          z = tf.add(dense(z, v.w), v.b);
          if (i + 1 < vars.length) {
            z = tf.relu(z);
            if (opts.dropout > 0) z = tf.dropout(z, opts.dropout, undefined, a.seed + i + 1) as tf.Tensor2D;
          }
        });
      }
      const hard = tf.losses.softmaxCrossEntropy(labels, z, undefined, opts.labelSmoothing);
      if (!soft || !opts.distill) return hard as tf.Scalar;
      const t = opts.distill.temperature;
      const teacher = tf.softmax(tf.div(soft, t));
      const kd = tf.mul(tf.losses.softmaxCrossEntropy(teacher, tf.div(z, t)), t * t);
      return tf.add(tf.mul(hard, opts.distill.alpha), tf.mul(kd, 1 - opts.distill.alpha)) as tf.Scalar;
    };
    const varList = [x, ...vars.flatMap((v) => [v.w, v.b])];
    const { grads } = tf.variableGrads(lossFn, varList);
    const dx = grads[x.name]!.dataSync() as Float32Array;
    const headGrads: Record<string, tf.Tensor> = {};
    for (const v of vars) {
      headGrads[v.w.name] = grads[v.w.name]!;
      headGrads[v.b.name] = grads[v.b.name]!;
    }
    if (vars.length) a.headOpt.applyGradients(headGrads);
    x.dispose();
    return Float32Array.from(dx);
  });
}

/**
 * x·w with its gradients written as plain products of explicitly transposed operands: TensorFlow.js's
 * own gradient of matMul multiplies with transposeA/transposeB set, which the WASM backend runs on a
 * slow path (measured at [64, 256]·[256, 1024]: dW 52 ms vs 2.4 ms, dx 17 ms vs 3.9 ms per step).
 */
const denseOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy, saved) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(ws)), tf.matMul(tf.transpose(xs), g)];
    },
  };
});
const dense = (x: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D => denseOp(x, w) as tf.Tensor2D;

function dropFeatures(bag: TBag, p: number, rand: () => number): TBag {
  if (p <= 0 || bag.ids.length < 4) return bag;
  const ids: number[] = [];
  const weights: number[] = [];
  for (let j = 0; j < bag.ids.length; j++) {
    if (rand() < p) continue;
    ids.push(bag.ids[j]!);
    weights.push(bag.weights[j]! / (1 - p));
  }
  return { ids: Int32Array.from(ids), weights: Float32Array.from(weights) };
}

function snapshot(vars: THeadVars): { w: Float32Array; b: Float32Array }[] {
  return vars.map((v) => ({
    w: v.w.dataSync().slice() as Float32Array,
    b: v.b.dataSync().slice() as Float32Array,
  }));
}

function writeBack(model: TBagMlp, vars: THeadVars): void {
  const snap = snapshot(vars);
  model.layers.forEach((l, i) => {
    l.w = snap[i]!.w;
    l.b = snap[i]!.b;
  });
}

export function accuracy(model: TBagMlp, data: TExamples): number {
  let ok = 0;
  data.bags.forEach((bag, i) => {
    if (argmax(logitsOf(model, bag.ids, bag.weights)) === data.labels[i]) ok++;
  });
  return data.bags.length ? ok / data.bags.length : 0;
}
