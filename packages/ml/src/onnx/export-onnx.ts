import type { TBagMlp } from '../model/bag-mlp.ts';
import { quantizeInt8 } from '../quantize/quantize-int8.ts';
import { OnnxGraph } from './onnx-graph.ts';

export type TPrecision = 'fp32' | 'int8';

export type TExportOptions = { name?: string; quantizeDense?: boolean };

/**
 * Exports bag-of-features MLPs (several members are averaged: an ensemble teacher) as one ONNX graph with
 * inputs `ids` (int32) and `weights` (float), both [batch, features] and zero-padded, and output `logits`.
 * int8: embedding rows are gathered as int8 and their per-row scales folded into the bag weights. Dense
 * layers stay fp32 unless `quantizeDense` (per-output-channel DequantizeLinear): ONNX Runtime's CPU
 * provider does not constant-fold DequantizeLinear, so it would dequantise them on every call (+10–50 µs
 * at batch 1, measured), for layers that hold ~0.1 % of a student's weights.
 */
export function exportOnnx(members: TBagMlp[], precision: TPrecision, opts: TExportOptions = {}): Uint8Array {
  const name = opts.name ?? 'bag-mlp';
  const g = new OnnxGraph();
  const classes = members[0]!.classes;
  const axis1 = g.int64('axis1', [1]);
  const bagWeights = g.node('Unsqueeze', ['weights', axis1]); // [B,1,L]
  const outs = members.map((m, i) =>
    member(g, m, `m${i}`, precision, { axis1, bagWeights, quantizeDense: opts.quantizeDense ?? false }),
  );
  let logits = outs[0]!;
  if (outs.length > 1) {
    const sum = g.node('Sum', outs);
    logits = g.node('Mul', [sum, g.float('inv_members', [], Float32Array.of(1 / outs.length))]);
  }
  g.node('Identity', [logits], {}, 'logits');
  return g.toBytes({ name, outputs: [{ name: 'logits', dims: ['batch', classes] }] });
}

function member(
  g: OnnxGraph,
  m: TBagMlp,
  p: string,
  precision: TPrecision,
  shared: { axis1: string; bagWeights: string; quantizeDense: boolean },
): string {
  let pooled: string;
  if (precision === 'int8') {
    const qe = quantizeInt8(m.emb, m.buckets, m.embDim, 0);
    const rows = g.node(
      'Cast',
      [g.node('Gather', [g.int8(`${p}_emb_q`, [m.buckets, m.embDim], qe.q), 'ids'])],
      {
        to: 1,
      },
    );
    const rowScale = g.node('Gather', [g.float(`${p}_emb_scale`, [m.buckets], qe.scale), 'ids']);
    const scaled = g.node('Unsqueeze', [g.node('Mul', ['weights', rowScale]), shared.axis1]);
    pooled = g.node('MatMul', [scaled, rows]);
  } else {
    const rows = g.node('Gather', [g.float(`${p}_emb`, [m.buckets, m.embDim], m.emb), 'ids']);
    pooled = g.node('MatMul', [shared.bagWeights, rows]);
  }
  let x = g.node('Add', [
    g.node('Squeeze', [pooled, shared.axis1]),
    g.float(`${p}_emb_bias`, [m.embDim], m.embBias),
  ]);
  if (m.activation === 'none') return x;
  m.layers.forEach((layer, l) => {
    x = g.node('Relu', [x]);
    let w: string;
    if (precision === 'int8' && shared.quantizeDense) {
      const q = quantizeInt8(layer.w, layer.inDim, layer.outDim, 1);
      w = g.node(
        'DequantizeLinear',
        [
          g.int8(`${p}_w${l}_q`, [layer.inDim, layer.outDim], q.q),
          g.float(`${p}_w${l}_scale`, [layer.outDim], q.scale),
          g.int8(`${p}_w${l}_zero`, [layer.outDim], new Int8Array(layer.outDim)),
        ],
        { axis: 1 },
      );
    } else {
      w = g.float(`${p}_w${l}`, [layer.inDim, layer.outDim], layer.w);
    }
    x = g.node('Add', [g.node('MatMul', [x, w]), g.float(`${p}_b${l}`, [layer.outDim], layer.b)]);
  });
  return x;
}
