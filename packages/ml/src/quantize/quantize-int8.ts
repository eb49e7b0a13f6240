/** Weights stored as int8 with one fp32 scale per channel: w ≈ q · scale, symmetric (zero point 0). */
export type TInt8Matrix = { rows: number; cols: number; q: Int8Array; scale: Float32Array; axis: 0 | 1 };

/**
 * Per-channel symmetric int8 quantisation of a row-major [rows, cols] matrix. `axis` 0 gives one scale per
 * row (embedding tables: each hashed feature has its own range), 1 one per column (dense layers: one per
 * output unit, as ONNX DequantizeLinear's axis=1). Rounding to nearest keeps the error within scale/2.
 */
export function quantizeInt8(w: Float32Array, rows: number, cols: number, axis: 0 | 1): TInt8Matrix {
  const channels = axis === 0 ? rows : cols;
  const maxAbs = new Float32Array(channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const ch = axis === 0 ? r : c;
      const a = Math.abs(w[r * cols + c]!);
      if (a > maxAbs[ch]!) maxAbs[ch] = a;
    }
  }
  // An all-zero channel (an unused hash bucket) keeps scale 1 so dequantising never divides by zero.
  const scale = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = scale[axis === 0 ? r : c]!;
      q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(w[r * cols + c]! / s)));
    }
  }
  return { rows, cols, q, scale, axis };
}

export function dequantizeInt8(m: TInt8Matrix): Float32Array {
  const out = new Float32Array(m.q.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++)
      out[r * m.cols + c] = m.q[r * m.cols + c]! * m.scale[m.axis === 0 ? r : c]!;
  }
  return out;
}
