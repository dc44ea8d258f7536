// ONNX graphs of face-api's TinyFaceDetector and FaceRecognitionNet, built in memory from the same weights our
// networks load (face-api's tfjs manifests, read with our loadWeightsFromFile), for onnxruntime-web. Models are
// ModelProto messages of the `onnx-proto` protobufjs classes, as in ./ort.mjs; NCHW, opset 17.
//
// The graphs compute what our networks compute, folded the way ours are (src/face/tiny-face-detector.ts,
// src/face/recognition-net.ts), so ORT gets no extra elementwise work:
// - the input is raw RGB 0..255: the normalisation (x - mean) / d is folded into the first conv (a 'valid' conv,
//   so every tap reads a real pixel: conv((x - m) / d, W) + b = conv(x, W / d) + b - sum(W * m) / d);
// - FaceRecognitionNet's "scale layer" after each conv ((conv + b) * s + t) is folded into the conv weights
//   (W * s, b * s + t): ORT has no fused per-channel epilogue, ours applies it in the conv's epilogue;
// - activations are ONNX LeakyRelu / Relu after Conv, which ORT fuses into the conv at graphOptimizationLevel 'all'.
import onnxProto from 'onnx-proto';
import { hwioToOihw } from './shapes.mjs';

const { onnx } = onnxProto;
const { FLOAT, INT64 } = onnx.TensorProto.DataType;
const { INT, INTS, FLOAT: FLOAT_ATTR } = onnx.AttributeProto.AttributeType;

const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A graph under construction: initializers and nodes in topological order, with generated value names. */
class Graph {
  nodes = [];
  inits = [];
  n = 0;

  /** f32 initializer; returns its name. */
  weight(name, dims, data) {
    if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`onnx-nets: ${name}: ${data.length} values for dims [${dims}]`);
    this.inits.push({ name, dims, dataType: FLOAT, rawData: bytes(Float32Array.from(data)) });
    return name;
  }

  /** int64 initializer (Pad pads, Reshape shape). */
  int64(name, values) {
    this.inits.push({ name, dims: [values.length], dataType: INT64, rawData: bytes(BigInt64Array.from(values, BigInt)) });
    return name;
  }

  /** Appends a node; returns its (single) output name. attrs: { name: number | number[] } (ints) or { f: x } (float). */
  node(opType, inputs, attrs = {}, output = `t${this.n++}`) {
    const attribute = Object.entries(attrs).map(([name, v]) => {
      if (Array.isArray(v)) return { name, type: INTS, ints: v };
      if (name === 'alpha') return { name, type: FLOAT_ATTR, f: v };
      return { name, type: INT, i: v };
    });
    this.nodes.push({ opType, input: inputs, output: [output], attribute, name: `${opType}_${this.nodes.length}` });
    return output;
  }

  /** Conv from an HWIO filter (grouped: [kh, kw, cin / groups, cout]), bias optional. pads: [top, left, bottom, right]. */
  conv(x, name, hwio, shape, bias, { strides = 1, pads = [0, 0, 0, 0], groups = 1 } = {}) {
    const [kh, kw, ci, co] = shape;
    const w = this.weight(`${name}.W`, [co, ci, kh, kw], hwioToOihw(hwio, shape));
    const inputs = [x, w];
    if (bias) inputs.push(this.weight(`${name}.B`, [co], bias));
    return this.node('Conv', inputs, { kernel_shape: [kh, kw], strides: [strides, strides], pads, group: groups });
  }

  /** The serialised ModelProto: input X [1, 3, s, s] -> output Y. */
  encode(inputDims, outputDims, y) {
    this.node('Identity', [y], {}, 'Y');
    const vi = (name, dims) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
    const m = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'facegpu-bench',
      graph: { name: 'net', node: this.nodes, input: [vi('X', inputDims)], output: [vi('Y', outputDims)], initializer: this.inits },
    });
    return onnx.ModelProto.encode(m).finish();
  }
}

/** The tensor `name` of NamedWeights (our loader), checked against `shape`. */
function take(weights, name, shape) {
  const w = weights.get(name);
  if (!w) throw new Error(`onnx-nets: tensor ${name} missing from ${weights.source}`);
  if (shape && w.shape.join() !== shape.join()) throw new Error(`onnx-nets: ${name} is [${w.shape}], expected [${shape}]`);
  return w.data;
}

/** conv((x - mean) / divisor, W) + b as conv(x, W') + b' for an HWIO filter with 3 input channels. */
function foldInputNorm(w, b, cout, mean, divisor) {
  const folded = new Float32Array(w.length);
  const bias = Float64Array.from(b);
  for (let i = 0; i < w.length; i++) {
    const ci = Math.floor(i / cout) % 3;
    folded[i] = w[i] / divisor;
    bias[i % cout] -= (w[i] * mean[ci]) / divisor;
  }
  return { w: folded, b: bias };
}

/** TF 'same' pooling pads (extra row / column at the end), as [top, left, bottom, right]. */
function samePads(side, k, s) {
  const out = Math.ceil(side / s);
  const total = Math.max((out - 1) * s + k - side, 0);
  const lo = Math.floor(total / 2);
  return { out, pads: [lo, lo, total - lo, total - lo] };
}

/**
 * TinyFaceDetector (face-api's tiny_face_detector_model): X [1, 3, s, s] raw RGB 0..255 (the image already padded to a
 * square and resized to s, as our preprocessImage does) -> Y [1, 25, s / 32, s / 32], the raw grid before decoding.
 */
export function tinyFaceDetectorOnnx(weights, { inputSize = 416, meanRgb, alpha = 0.1 } = {}) {
  if (!meanRgb) throw new Error('onnx-nets: tinyFaceDetectorOnnx needs meanRgb');
  const g = new Graph();
  const filters = [16, 32, 64, 128, 256, 512];
  const c0 = foldInputNorm(take(weights, 'conv0/filters', [3, 3, 3, 16]), take(weights, 'conv0/bias', [16]), 16, meanRgb, 255);
  let x = g.node('LeakyRelu', [g.conv('X', 'conv0', c0.w, [3, 3, 3, 16], c0.b)], { alpha });
  let side = inputSize - 2; // 3x3 'valid'
  const pool = (stride) => {
    const p = samePads(side, 2, stride);
    x = g.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [stride, stride], pads: p.pads });
    side = p.out;
  };
  pool(2);
  for (let l = 1; l <= 5; l++) {
    const cin = filters[l - 1];
    const cout = filters[l];
    // tfjs depthwise [3, 3, c, 1] is HWIO [3, 3, 1, c] with groups c.
    const dw = take(weights, `conv${l}/depthwise_filter`, [3, 3, cin, 1]);
    x = g.conv(x, `conv${l}.dw`, dw, [3, 3, 1, cin], null, { pads: [1, 1, 1, 1], groups: cin });
    const pw = take(weights, `conv${l}/pointwise_filter`, [1, 1, cin, cout]);
    x = g.node('LeakyRelu', [g.conv(x, `conv${l}.pw`, pw, [1, 1, cin, cout], take(weights, `conv${l}/bias`, [cout]))], { alpha });
    pool(l < 5 ? 2 : 1);
  }
  x = g.conv(x, 'conv8', take(weights, 'conv8/filters', [1, 1, 512, 25]), [1, 1, 512, 25], take(weights, 'conv8/bias', [25]));
  return { bytes: g.encode([1, 3, inputSize, inputSize], [1, 25, side, side], x), outputNhwc: [1, side, side, 25] };
}

/**
 * FaceRecognitionNet (face_recognition_model): X [1, 3, 150, 150] raw RGB 0..255 -> Y [1, 128]. `divisor`: 255 as
 * @vladmandic/face-api, 256 as dlib / face-api.js (our net's inputDivisor option).
 */
export function faceRecognitionOnnx(weights, { meanRgb, divisor = 255 } = {}) {
  if (!meanRgb) throw new Error('onnx-nets: faceRecognitionOnnx needs meanRgb');
  const g = new Graph();
  /** conv + bias, then the scale layer folded into the weights. */
  const convScale = (x, prefix, k, cin, cout, opts, first = false) => {
    let w = take(weights, `${prefix}/conv/filters`, [k, k, cin, cout]);
    let b = take(weights, `${prefix}/conv/bias`, [cout]);
    if (first) ({ w, b } = foldInputNorm(w, b, cout, meanRgb, divisor));
    const s = take(weights, `${prefix}/scale/weights`, [cout]);
    const t = take(weights, `${prefix}/scale/biases`, [cout]);
    const ws = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) ws[i] = w[i] * s[i % cout];
    const bs = Array.from(b, (v, c) => v * s[c] + t[c]);
    return g.conv(x, prefix, ws, [k, k, cin, cout], bs, opts);
  };
  const same = { pads: [1, 1, 1, 1] };
  let x = g.node('Relu', [convScale('X', 'conv32_down', 7, 3, 32, { strides: 2 }, true)]);
  x = g.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2] });
  let side = 35; // (150 - 7) / 2 + 1 = 72, then (72 - 3) / 2 + 1
  const residual = (name, cin, cout, down) => {
    let h = g.node('Relu', [convScale(x, `${name}/conv1`, 3, cin, cout, down ? { strides: 2 } : same)]);
    const convSide = down ? Math.floor((side - 3) / 2) + 1 : side;
    h = convScale(h, `${name}/conv2`, 3, cout, cout, same);
    let short = x;
    if (down) {
      short = g.node('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
      const poolSide = Math.floor((side - 2) / 2) + 1;
      // face-api pads the conv output with a zero row / column at the bottom / right when the 'valid' 3x3/2 conv
      // comes out one smaller than the 2x2/2 pool, and the pooled shortcut with zero channels.
      const d = poolSide - convSide;
      if (d) h = g.node('Pad', [h, g.int64(`${name}.padhw`, [0, 0, 0, 0, 0, 0, d, d])]);
      if (cout !== cin) short = g.node('Pad', [short, g.int64(`${name}.padc`, [0, 0, 0, 0, 0, cout - cin, 0, 0])]);
      side = poolSide;
    }
    x = g.node('Relu', [g.node('Add', [h, short])]);
  };
  ['conv32_1', 'conv32_2', 'conv32_3'].forEach((n) => residual(n, 32, 32, false));
  residual('conv64_down', 32, 64, true);
  ['conv64_1', 'conv64_2', 'conv64_3'].forEach((n) => residual(n, 64, 64, false));
  residual('conv128_down', 64, 128, true);
  ['conv128_1', 'conv128_2'].forEach((n) => residual(n, 128, 128, false));
  residual('conv256_down', 128, 256, true);
  ['conv256_1', 'conv256_2'].forEach((n) => residual(n, 256, 256, false));
  residual('conv256_down_out', 256, 256, true);
  x = g.node('GlobalAveragePool', [x]);
  x = g.node('Reshape', [x, g.int64('flat', [1, 256])]);
  x = g.node('MatMul', [x, g.weight('fc', [256, 128], take(weights, 'fc', [256, 128]))]);
  return { bytes: g.encode([1, 3, 150, 150], [1, 128], x), outputNhwc: [1, 1, 1, 128] };
}
