import type { TBag } from './train-bag-mlp.ts';

/**
 * Lazy Adam over the rows of a [rows, width] table: only rows that received a gradient move, with the
 * global step for bias correction (as TensorFlow's LazyAdam does). Memory: two extra tables.
 */
export class SparseAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  private readonly slot: Int32Array;
  constructor(
    rows: number,
    private readonly width: number,
    public lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-7,
  ) {
    this.m = new Float32Array(rows * width);
    this.v = new Float32Array(rows * width);
    this.slot = new Int32Array(rows).fill(-1);
  }

  /** Applies the gradient of a dense block whose row r belongs to table row `rows[r]`. */
  step(table: Float32Array, rows: ArrayLike<number>, grad: Float32Array): void {
    this.t++;
    for (let r = 0; r < rows.length; r++) this.update(table, rows[r]!, grad, r * this.width);
  }

  /** Gradient of Σ_j w_j·table[id_j] for each bag: rows shared by bags in the batch are summed first. */
  stepBags(table: Float32Array, bags: TBag[], dPooled: Float32Array): void {
    this.t++;
    const w = this.width;
    const touched: number[] = [];
    let acc = new Float32Array(Math.max(64, bags.length * 32) * w);
    bags.forEach((bag, r) => {
      for (let j = 0; j < bag.ids.length; j++) {
        const id = bag.ids[j]!;
        let s = this.slot[id]!;
        if (s < 0) {
          s = touched.length;
          this.slot[id] = s;
          touched.push(id);
          if ((s + 1) * w > acc.length) {
            const grown = new Float32Array(acc.length * 2);
            grown.set(acc);
            acc = grown;
          }
        }
        const wj = bag.weights[j]!;
        const src = r * w;
        const dst = s * w;
        for (let k = 0; k < w; k++) acc[dst + k]! += wj * dPooled[src + k]!;
      }
    });
    touched.forEach((id, s) => {
      this.update(table, id, acc, s * w);
      this.slot[id] = -1;
    });
  }

  private update(table: Float32Array, row: number, grad: Float32Array, offset: number): void {
    const { beta1, beta2, eps, width } = this;
    const step = (this.lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    const base = row * width;
    for (let k = 0; k < width; k++) {
      const g = grad[offset + k]!;
      const m = beta1 * this.m[base + k]! + (1 - beta1) * g;
      const v = beta2 * this.v[base + k]! + (1 - beta2) * g * g;
      this.m[base + k] = m;
      this.v[base + k] = v;
      table[base + k]! -= (step * m) / (Math.sqrt(v) + eps);
    }
  }
}
