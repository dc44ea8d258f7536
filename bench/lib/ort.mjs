// onnxruntime-web, wasm execution provider, numThreads = 1. Each shape is a one-node ONNX model built in memory
// with the generated protobufjs classes of `onnx-proto` (no hand-written protobuf). Weights are initializers (as
// in a real model, so ORT may prepack them at session creation); activations are NCHW graph inputs, so every
// session.run copies the input into the wasm heap and the output out: the cost an ORT user pays per call.
import { createRequire } from 'node:module';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { hwioToOihw, nchwToNhwc, nhwcToNchw } from './shapes.mjs';

const { onnx } = onnxProto;
const require = createRequire(import.meta.url);
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const { INT, INTS } = onnx.AttributeProto.AttributeType;

const valueInfo = (name, dims) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

const initializer = (name, dims, data) => ({
  name,
  dims,
  dataType: FLOAT,
  rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

/** One-node model bytes; inputs/outputs named as given. */
function model(node, inputs, outputs, initializers) {
  const m = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'facegpu-bench',
    graph: { name: 'bench', node: [node], input: inputs, output: outputs, initializer: initializers },
  });
  return onnx.ModelProto.encode(m).finish();
}

/** Model, feeds (as [name, data, dims]) and how to turn the output back into our layout. */
function graphFor(shape, d) {
  switch (shape.kind) {
    case 'conv2d': {
      const { n, h, w, cin, cout, k, groups } = shape;
      const xDims = [n, cin, h, w];
      const wDims = [cout, cin / groups, k, k];
      const p = (k - 1) / 2; // stride 1, odd k: TF 'same' is symmetric
      const node = {
        opType: 'Conv',
        input: ['X', 'W'],
        output: ['Y'],
        attribute: [
          { name: 'kernel_shape', type: INTS, ints: [k, k] },
          { name: 'pads', type: INTS, ints: [p, p, p, p] },
          { name: 'group', type: INT, i: groups },
        ],
      };
      return {
        bytes: model(node, [valueInfo('X', xDims)], [valueInfo('Y', [n, cout, h, w])], [
          initializer('W', wDims, hwioToOihw(d.filter, d.filterShape)),
        ]),
        feeds: [['X', nhwcToNchw(d.x, d.xShape), xDims]],
        toOurs: (y) => nchwToNhwc(y, shape.outShape),
      };
    }
    case 'matmul': {
      const node = { opType: 'MatMul', input: ['A', 'B'], output: ['Y'] };
      return {
        bytes: model(node, [valueInfo('A', d.aShape)], [valueInfo('Y', shape.outShape)], [initializer('B', d.bShape, d.b)]),
        feeds: [['A', d.a, d.aShape]],
        toOurs: (y) => y,
      };
    }
    case 'add': {
      const node = { opType: 'Add', input: ['A', 'B'], output: ['Y'] };
      return {
        bytes: model(node, [valueInfo('A', shape.shape), valueInfo('B', shape.shape)], [valueInfo('Y', shape.shape)], []),
        feeds: [
          ['A', d.a, shape.shape],
          ['B', d.b, shape.shape],
        ],
        toOurs: (y) => y,
      };
    }
    case 'relu': {
      const node = { opType: 'Relu', input: ['A'], output: ['Y'] };
      return {
        bytes: model(node, [valueInfo('A', shape.shape)], [valueInfo('Y', shape.shape)], []),
        feeds: [['A', d.a, shape.shape]],
        toOurs: (y) => y,
      };
    }
    default:
      throw new Error(`unknown shape kind ${shape.kind}`);
  }
}

export function ortRunner(repeat) {
  let ort;
  return {
    id: 'ort-wasm',
    label: 'onnxruntime-web wasm',
    kind: 'wasm',
    repeat,
    async init() {
      ort = await import('onnxruntime-web');
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmPaths = path.join(path.dirname(require.resolve('onnxruntime-web')), path.sep);
      ort.env.logLevel = 'error';
      return `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm EP (numThreads 1, simd)`;
    },
    async prepare(shape, data) {
      const g = graphFor(shape, data);
      const session = await ort.InferenceSession.create(g.bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const feeds = Object.fromEntries(g.feeds.map(([name, arr, dims]) => [name, new ort.Tensor('float32', arr, dims)]));
      const once = async () => (await session.run(feeds)).Y;
      return {
        // session.run returns host data: every call already includes the work finishing.
        run: async () => {
          for (let i = 0; i < repeat; i++) (await once()).dispose();
        },
        output: async () => {
          const y = await once();
          const out = g.toOurs(Float32Array.from(y.data));
          y.dispose();
          return out;
        },
        dispose: () => session.release(),
      };
    },
    async close() {},
  };
}
