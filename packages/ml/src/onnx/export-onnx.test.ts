import { describe, expect, it } from 'vitest';
import { initBagMlp, logitsOf } from '../model/bag-mlp.ts';
import { exportOnnx } from './export-onnx.ts';
import { OnnxLogits } from './onnx-session.ts';

const bags = [
  { ids: Int32Array.of(1, 5, 999), weights: Float32Array.of(0.5, 0.3, 0.8) },
  { ids: Int32Array.of(7), weights: Float32Array.of(1) },
];

async function onnxLogits(bytes: Uint8Array, classes: number): Promise<Float32Array> {
  const s = await OnnxLogits.create(bytes, classes);
  const out = await s.logits(bags);
  await s.release();
  return out;
}

describe('ONNX export', () => {
  const m = initBagMlp({ buckets: 1000, embDim: 16, hidden: [8], classes: 5 }, 1);
  const expected = bags.flatMap((b) => Array.from(logitsOf(m, b.ids, b.weights)));

  it('computes the same logits as the model in JS (fp32, padded batch)', async () => {
    const got = await onnxLogits(exportOnnx([m], 'fp32'), 5);
    for (const [i, x] of got.entries()) expect(x).toBeCloseTo(expected[i]!, 4);
  });

  it('stays within quantisation error in int8, with int8 dense layers too', async () => {
    for (const quantizeDense of [false, true]) {
      const got = await onnxLogits(exportOnnx([m], 'int8', { quantizeDense }), 5);
      for (const [i, x] of got.entries()) expect(Math.abs(x - expected[i]!)).toBeLessThan(0.02);
    }
  });

  it('averages the logits of ensemble members', async () => {
    const m2 = initBagMlp({ buckets: 1000, embDim: 16, hidden: [8], classes: 5 }, 2);
    const got = await onnxLogits(exportOnnx([m, m2], 'fp32'), 5);
    const second = bags.flatMap((b) => Array.from(logitsOf(m2, b.ids, b.weights)));
    for (const [i, x] of got.entries()) expect(x).toBeCloseTo((expected[i]! + second[i]!) / 2, 4);
  });

  it('keeps the int8 file about 4× smaller than fp32', () => {
    const big = initBagMlp({ buckets: 1 << 12, embDim: 64, hidden: [], classes: 10 }, 3);
    const ratio = exportOnnx([big], 'fp32').byteLength / exportOnnx([big], 'int8').byteLength;
    expect(ratio).toBeGreaterThan(3.5);
  });
});
