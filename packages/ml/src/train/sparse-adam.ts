export type TBag = { ids: Int32Array; weights: Float32Array };

/**
 * Lazy Adam over the rows of a [rows, width] table: only rows that received a gradient move, with the
 * global step for bias correction (as TensorFlow's LazyAdam does). Memory: two extra tables. Written with
 * hoisted locals and reused scratch buffers because this loop is where training spends its time.
 */
export class SparseAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  private readonly slot: Int32Array;
  private acc = new Float32Array(0);
  private touched = new Int32Array(0);
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
    const stepSize = this.stepSize();
    for (let r = 0; r < rows.length; r++) this.update(table, rows[r]!, grad, r * this.width, stepSize);
  }

  /** Gradient of Σ_j w_j·table[id_j] for each bag: rows shared by bags in the batch are summed first. */
  stepBags(table: Float32Array, bags: readonly TBag[], dPooled: Float32Array): void {
    this.t++;
    const w = this.width;
    const slot = this.slot;
    let total = 0;
    for (const b of bags) total += b.ids.length;
    if (this.touched.length < total) {
      this.touched = new Int32Array(total);
      this.acc = new Float32Array(total * w);
    }
    const acc = this.acc;
    const touched = this.touched;
    let n = 0;
    for (let r = 0; r < bags.length; r++) {
      const { ids, weights } = bags[r]!;
      const src = r * w;
      for (let j = 0; j < ids.length; j++) {
        const id = ids[j]!;
        let s = slot[id]!;
        if (s < 0) {
          s = n++;
          slot[id] = s;
          touched[s] = id;
          acc.fill(0, s * w, s * w + w);
        }
        const wj = weights[j]!;
        const dst = s * w;
        for (let k = 0; k < w; k++) acc[dst + k]! += wj * dPooled[src + k]!;
      }
    }
    const stepSize = this.stepSize();
    for (let s = 0; s < n; s++) {
      const id = touched[s]!;
      this.update(table, id, acc, s * w, stepSize);
      slot[id] = -1;
    }
  }

  private stepSize(): number {
    return (this.lr * Math.sqrt(1 - this.beta2 ** this.t)) / (1 - this.beta1 ** this.t);
  }

  private update(
    table: Float32Array,
    row: number,
    grad: Float32Array,
    offset: number,
    stepSize: number,
  ): void {
    const { beta1, beta2, eps, width } = this;
    const mt = this.m;
    const vt = this.v;
    const base = row * width;
    const b1 = 1 - beta1;
    const b2 = 1 - beta2;
    for (let k = 0; k < width; k++) {
      const g = grad[offset + k]!;
      const i = base + k;
      const m = beta1 * mt[i]! + b1 * g;
      const v = beta2 * vt[i]! + b2 * g * g;
      mt[i] = m;
      vt[i] = v;
      table[i]! -= (stepSize * m) / (Math.sqrt(v) + eps);
    }
  }
}
