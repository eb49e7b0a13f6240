import { describe, expect, it } from 'vitest';
import { dequantizeInt8, quantizeInt8 } from './quantize-int8.ts';

describe('int8 per-channel symmetric quantisation', () => {
  const w = Float32Array.from([0.5, -0.01, 2, -1, 0.25, 0.004]); // [2 rows, 3 cols]

  it('keeps every weight within half a step of its channel scale', () => {
    for (const axis of [0, 1] as const) {
      const q = quantizeInt8(w, 2, 3, axis);
      const back = dequantizeInt8(q);
      w.forEach((x, i) => {
        const ch = axis === 0 ? Math.floor(i / 3) : i % 3;
        expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(q.scale[ch]! / 2 + 1e-7);
      });
    }
  });

  it('uses one scale per channel: max |w| / 127, the largest weight maps to ±127', () => {
    const q = quantizeInt8(w, 2, 3, 0);
    expect(Array.from(q.scale)).toEqual([2 / 127, 1 / 127].map(Math.fround));
    expect(q.q[2]).toBe(127);
    expect(q.q[3]).toBe(-127);
  });

  it('gives an all-zero channel a usable scale', () => {
    const q = quantizeInt8(new Float32Array(4), 2, 2, 1);
    expect(Array.from(dequantizeInt8(q))).toEqual([0, 0, 0, 0]);
  });
});
