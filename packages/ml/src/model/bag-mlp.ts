import { fillGaussian, rng } from './rng.ts';

/** One dense layer, weights row-major [in, out]. */
export type TDense = { inDim: number; outDim: number; w: Float32Array; b: Float32Array };

/**
 * The one model family of the factory: a weighted bag of hashed features summed into `embDim` units
 * (a sparse × dense product), then ReLU and dense layers; with `activation: 'none'` and no layers it is a
 * plain linear classifier (the baseline). Teacher, student and baseline differ only in sizes.
 */
export type TBagMlp = {
  buckets: number;
  embDim: number;
  classes: number;
  activation: 'relu' | 'none';
  emb: Float32Array;
  embBias: Float32Array;
  layers: TDense[];
};

export type TBagMlpShape = {
  buckets: number;
  embDim: number;
  hidden: number[];
  classes: number;
  linear?: boolean;
};

export function initBagMlp(shape: TBagMlpShape, seed: number): TBagMlp {
  const rand = rng(seed);
  const linear = shape.linear ?? false;
  const embDim = linear ? shape.classes : shape.embDim;
  // Inputs are L2-normalised bags of ~100-300 features, so each unit starts near unit variance.
  const emb = new Float32Array(shape.buckets * embDim);
  const scale = linear ? 0 : 1 / Math.sqrt(embDim);
  fillGaussian(emb, rand, scale);
  const layers: TDense[] = [];
  if (!linear) {
    const dims = [embDim, ...shape.hidden, shape.classes];
    for (let l = 0; l + 1 < dims.length; l++) {
      const inDim = dims[l]!;
      const outDim = dims[l + 1]!;
      const w = new Float32Array(inDim * outDim);
      fillGaussian(w, rand, Math.sqrt(2 / inDim));
      layers.push({ inDim, outDim, w, b: new Float32Array(outDim) });
    }
  }
  return {
    buckets: shape.buckets,
    embDim,
    classes: shape.classes,
    activation: linear ? 'none' : 'relu',
    emb,
    embBias: new Float32Array(embDim),
    layers,
  };
}

export function parameterCount(m: TBagMlp): number {
  return m.emb.length + m.embBias.length + m.layers.reduce((s, l) => s + l.w.length + l.b.length, 0);
}

/** Σ weight·row + bias for one bag, written into `out` (length embDim). */
export function poolBag(m: TBagMlp, ids: Int32Array, weights: Float32Array, out: Float32Array): void {
  const h = m.embDim;
  out.set(m.embBias);
  for (let j = 0; j < ids.length; j++) {
    const wj = weights[j]!;
    const base = ids[j]! * h;
    for (let k = 0; k < h; k++) out[k]! += wj * m.emb[base + k]!;
  }
}

/** Logits for one bag in plain JS: used for soft targets and dev scoring inside training loops. */
export function logitsOf(m: TBagMlp, ids: Int32Array, weights: Float32Array): Float32Array {
  let x = new Float32Array(m.embDim);
  poolBag(m, ids, weights, x);
  if (m.activation === 'none') return x;
  for (const layer of m.layers) {
    for (let k = 0; k < x.length; k++) if (x[k]! < 0) x[k] = 0;
    const y = new Float32Array(layer.outDim);
    y.set(layer.b);
    for (let i = 0; i < layer.inDim; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = i * layer.outDim;
      for (let o = 0; o < layer.outDim; o++) y[o]! += xi * layer.w[row + o]!;
    }
    x = y;
  }
  return x;
}

export function softmax(logits: ArrayLike<number>, temperature = 1): Float32Array {
  const out = new Float32Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! / temperature - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}
