import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;

/** A small builder over onnx-proto: initializers carry raw little-endian bytes, so int8 tables stay int8. */
export class OnnxGraph {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private counter = 0;

  float(name: string, dims: number[], data: Float32Array): string {
    return this.init(name, dims, DT.FLOAT, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  int8(name: string, dims: number[], data: Int8Array): string {
    return this.init(name, dims, DT.INT8, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  int64(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.init(name, [values.length], DT.INT64, new Uint8Array(data.buffer));
  }

  /** Adds a node and returns its (single) output name. */
  node(op: string, inputs: string[], attrs: Record<string, number | number[]> = {}, output?: string): string {
    const out = output ?? `${op.toLowerCase()}_${this.counter++}`;
    const attribute = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v)
        ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
        : { name, type: onnx.AttributeProto.AttributeType.INT, i: v },
    );
    this.nodes.push({ opType: op, input: inputs, output: [out], name: out, attribute });
    return out;
  }

  /** Serialises a model with int32 `ids` and float `weights` inputs of shape [batch, features]. */
  toBytes(opts: {
    name: string;
    outputs: Array<{ name: string; dims: Array<number | string> }>;
  }): Uint8Array {
    const valueInfo = (name: string, elemType: number, dims: Array<number | string>) => ({
      name,
      type: {
        tensorType: {
          elemType,
          shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model = onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: '@acsa/ml',
      graph: {
        name: opts.name,
        node: this.nodes,
        initializer: this.initializers,
        input: [
          valueInfo('ids', DT.INT32, ['batch', 'features']),
          valueInfo('weights', DT.FLOAT, ['batch', 'features']),
        ],
        output: opts.outputs.map((o) => valueInfo(o.name, DT.FLOAT, o.dims)),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private init(name: string, dims: number[], dataType: number, rawData: Uint8Array): string {
    // Copy: the caller's typed array may be a view on a larger, reused buffer.
    this.initializers.push({ name, dims, dataType, rawData: rawData.slice() });
    return name;
  }
}
