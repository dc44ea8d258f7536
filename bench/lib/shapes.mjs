// The benchmarked workloads, their FLOP counts, and deterministic input data shared by every library.
//
// Data is generated once per shape in our layouts (NHWC activations, HWIO conv filters, [k, n] matmul weights);
// runners that need another layout (onnxruntime: NCHW / OIHW) convert with the helpers below, so every library
// computes the same numbers and the outputs can be cross-checked.

/** Conv output size with TF 'same' padding at stride 1 is the input size. */
function conv(id, label, h, w, cin, cout, k, groups) {
  const macs = h * w * cout * k * k * (cin / groups);
  return { id, label, kind: 'conv2d', n: 1, h, w, cin, cout, k, groups, flops: 2 * macs, outShape: [1, h, w, cout] };
}

function matmul(id, label, m, k, n) {
  return { id, label, kind: 'matmul', m, k, n, flops: 2 * m * k * n, outShape: [m, n] };
}

/** Elementwise smoke tests (the two ops the runtime shipped with): one FLOP per output element. */
function eltwise(id, label, kind, shape) {
  const size = shape.reduce((a, b) => a * b, 1);
  return { id, label, kind, shape, flops: size, outShape: shape, smoke: true };
}

export const SHAPES = [
  conv('conv3x3_56x56_64', 'conv2d 3x3 64->64 @56x56', 56, 56, 64, 64, 3, 1),
  conv('conv3x3_28x28_128', 'conv2d 3x3 128->128 @28x28', 28, 28, 128, 128, 3, 1),
  conv('dwconv3x3_104x104_32', 'depthwise 3x3 @104x104x32', 104, 104, 32, 32, 3, 32),
  matmul('matmul_256', 'matmul 256x256x256', 256, 256, 256),
  matmul('matmul_512', 'matmul 512x512x512', 512, 512, 512),
  matmul('dense_1x512_128', 'dense 1x512 -> 128', 1, 512, 128),
  eltwise('add_56x56_64', 'add 1x56x56x64 (smoke)', 'add', [1, 56, 56, 64]),
  eltwise('relu_56x56_64', 'relu 1x56x56x64 (smoke)', 'relu', [1, 56, 56, 64]),
];

/** mulberry32: a tiny seeded PRNG so every run and every library sees the same inputs. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(size, scale, seed) {
  const r = rng(seed);
  const a = new Float32Array(size);
  for (let i = 0; i < size; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}

/**
 * Inputs for a shape, in our layouts. Weights are scaled by 1/sqrt(fan-in) so outputs stay O(1) and the
 * cross-library check below compares meaningful magnitudes.
 */
export function makeData(shape) {
  switch (shape.kind) {
    case 'conv2d': {
      const { n, h, w, cin, cout, k, groups } = shape;
      const fanIn = k * k * (cin / groups);
      return {
        x: uniform(n * h * w * cin, 1, 1),
        xShape: [n, h, w, cin],
        filter: uniform(k * k * (cin / groups) * cout, 1 / Math.sqrt(fanIn), 2),
        filterShape: [k, k, cin / groups, cout],
      };
    }
    case 'matmul': {
      const { m, k, n } = shape;
      return { a: uniform(m * k, 1, 3), aShape: [m, k], b: uniform(k * n, 1 / Math.sqrt(k), 4), bShape: [k, n] };
    }
    case 'add':
      return { a: uniform(sizeOf(shape.shape), 1, 5), b: uniform(sizeOf(shape.shape), 1, 6) };
    case 'relu':
      return { a: uniform(sizeOf(shape.shape), 1, 7) };
    default:
      throw new Error(`unknown shape kind ${shape.kind}`);
  }
}

export function sizeOf(dims) {
  return dims.reduce((a, b) => a * b, 1);
}

/** NHWC -> NCHW. */
export function nhwcToNchw(src, [n, h, w, c]) {
  const dst = new Float32Array(src.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) dst[((b * c + ch) * h + y) * w + x] = src[((b * h + y) * w + x) * c + ch];
  return dst;
}

/** NCHW (given as its NHWC dims [n, h, w, c]) -> NHWC. */
export function nchwToNhwc(src, [n, h, w, c]) {
  const dst = new Float32Array(src.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) dst[((b * h + y) * w + x) * c + ch] = src[((b * c + ch) * h + y) * w + x];
  return dst;
}

/** HWIO [kh, kw, cinG, cout] -> OIHW [cout, cinG, kh, kw] (ONNX Conv weight layout, also for groups). */
export function hwioToOihw(src, [kh, kw, ci, co]) {
  const dst = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) dst[((o * ci + i) * kh + y) * kw + x] = src[((y * kw + x) * ci + i) * co + o];
  return dst;
}

/** max |a - b| / max(|b|), the cross-library sanity number (not an assertion). */
export function relDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let mag = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= diff)) diff = d; // NaN propagates as a mismatch
    mag = Math.max(mag, Math.abs(b[i]));
  }
  return diff / (mag || 1);
}
