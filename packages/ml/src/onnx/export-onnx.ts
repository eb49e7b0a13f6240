import type { TBagMlp } from '../model/bag-mlp.ts';
import { quantizeInt8 } from '../quantize/quantize-int8.ts';
import { OnnxGraph } from './onnx-graph.ts';

export type TPrecision = 'fp32' | 'int8';

export type TExportOptions = { name?: string; quantizeDense?: boolean };

/**
 * Exports bag-of-features MLPs (several members are averaged: an ensemble teacher) as one ONNX graph with
 * inputs `ids` (int32) and `weights` (float), both [batch, features] and zero-padded, and output `logits`.
 * int8: the embedding table is stored as int8 with one scale per column (per output channel, symmetric),
 * gathered as int8 and pooled in integer units; the scales are folded into the next layer's rows (ReLU
 * commutes with a positive scale), so the int8 graph has one node (a Cast) more than the fp32 one. At
 * batch 1 ONNX Runtime's cost is mostly per node, so per-row scales (a Gather and a Mul more) cost ~25 %.
 * Dense layers stay fp32 unless `quantizeDense` (per-output-channel DequantizeLinear): ONNX Runtime's CPU
 * provider does not constant-fold DequantizeLinear, so it would dequantise them on every call (+10–50 µs
 * at batch 1, measured), for layers that hold ~0.1 % of a student's weights.
 */
export function exportOnnx(members: TBagMlp[], precision: TPrecision, opts: TExportOptions = {}): Uint8Array {
  const name = opts.name ?? 'bag-mlp';
  const g = new OnnxGraph();
  const classes = members[0]!.classes;
  const axis1 = g.int64('axis1', [1]);
  const bagWeights = g.node('Unsqueeze', ['weights', axis1]); // [B,1,L]
  const shared = { axis1, bagWeights, quantizeDense: opts.quantizeDense ?? false };
  if (members.length === 1) {
    member(g, members[0]!, 'm0', precision, shared, 'logits');
  } else {
    const outs = members.map((m, i) => member(g, m, `m${i}`, precision, shared));
    const sum = g.node('Sum', outs);
    g.node('Mul', [sum, g.float('inv_members', [], Float32Array.of(1 / outs.length))], {}, 'logits');
  }
  return g.toBytes({ name, outputs: [{ name: 'logits', dims: ['batch', classes] }] });
}

/** One member's logits; the last node is named `output` when given. */
function member(
  g: OnnxGraph,
  m: TBagMlp,
  p: string,
  precision: TPrecision,
  shared: { axis1: string; bagWeights: string; quantizeDense: boolean },
  output?: string,
): string {
  let table: string;
  // Per-column factor still to apply to the pooled units (int8: the quantisation scale).
  let colScale: Float32Array | null = null;
  if (precision === 'int8') {
    const qe = quantizeInt8(m.emb, m.buckets, m.embDim, 1);
    table = g.node('Cast', [g.node('Gather', [g.int8(`${p}_emb_q`, [m.buckets, m.embDim], qe.q), 'ids'])], {
      to: 1,
    });
    colScale = qe.scale;
  } else {
    table = g.node('Gather', [g.float(`${p}_emb`, [m.buckets, m.embDim], m.emb), 'ids']);
  }
  const pooled = g.node('Squeeze', [g.node('MatMul', [shared.bagWeights, table]), shared.axis1]);
  const scale = colScale;
  const embBias = scale ? m.embBias.map((b, k) => b / scale[k]!) : m.embBias;
  const last = m.activation === 'none' ? -1 : m.layers.length - 1;
  let x = g.node(
    'Add',
    [pooled, g.float(`${p}_emb_bias`, [m.embDim], embBias)],
    {},
    last === -1 && !scale ? output : undefined,
  );
  if (last === -1) {
    return scale ? g.node('Mul', [x, g.float(`${p}_emb_scale`, [m.embDim], scale)], {}, output) : x;
  }
  m.layers.forEach((layer, l) => {
    x = g.node('Relu', [x]);
    // relu(s·u) = s·relu(u) for s > 0: the first layer's row i absorbs the pooled unit i's scale.
    const wf = l === 0 && scale ? layer.w.map((v, i) => v * scale[Math.floor(i / layer.outDim)]!) : layer.w;
    let w: string;
    if (precision === 'int8' && shared.quantizeDense) {
      const q = quantizeInt8(wf, layer.inDim, layer.outDim, 1);
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
      w = g.float(`${p}_w${l}`, [layer.inDim, layer.outDim], wf);
    }
    x = g.node(
      'Add',
      [g.node('MatMul', [x, w]), g.float(`${p}_b${l}`, [layer.outDim], layer.b)],
      {},
      l === last ? output : undefined,
    );
  });
  return x;
}
