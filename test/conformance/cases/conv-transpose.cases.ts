// Transposed convolution (ONNX ConvTranspose semantics) and its filter gradient.
import type { BadCase, InputSpec, OpCase } from '../types.js';

let seed = 9400;
const rnd = (shape: number[], range: [number, number] = [-1, 1]): InputSpec => ({ shape, seed: seed++, range });
const lit = (shape: number[], data: number[]): InputSpec => ({ shape, data });

type Geom = {
  strides?: number | [number, number];
  padding?: 'same' | 'valid' | [number, number, number, number];
  outputPadding?: number | [number, number];
  dilations?: number | [number, number];
};

/** Output shape of the transposed conv: ONNX's formula. */
function outShape(x: number[], f: number[], g: Geom): number[] {
  const two = (v: number | [number, number] | undefined, d: number) => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);
  const [sh, sw] = two(g.strides, 1);
  const [dh, dw] = two(g.dilations, 1);
  const [oph, opw] = two(g.outputPadding, 0);
  if (g.padding === 'same') return [x[0]!, x[1]! * sh!, x[2]! * sw!, f[2]!];
  const [t, b, l, r] = Array.isArray(g.padding) ? g.padding : [0, 0, 0, 0];
  return [x[0]!, (x[1]! - 1) * sh! + (f[0]! - 1) * dh! + 1 - t - b + oph!, (x[2]! - 1) * sw! + (f[1]! - 1) * dw! + 1 - l - r + opw!, f[2]!];
}

/** Forward (with or without bias / activation) and filter gradient of one geometry: x [n,h,w,cin], filter [kh,kw,cout,cin]. */
function ct(name: string, x: number[], f: number[], g: Geom = {}, epi: { bias?: boolean; activation?: string; alpha?: number } = {}): OpCase[] {
  const { bias, ...act } = epi;
  return [
    { op: 'convTranspose2d', name, inputs: [rnd(x), rnd(f, [-0.5, 0.5]), bias ? rnd([f[2]!]) : null], attrs: { ...g, ...act } },
    { op: 'convTranspose2dBackpropFilter', name, inputs: [rnd(x), rnd(outShape(x, f, g))], attrs: { ...g, filterShape: f } },
  ];
}

export const convTransposeCases: OpCase[] = [
  {
    // Stride 2 with a 2x2 all-ones filter: each input pixel fills its own 2x2 output block.
    op: 'convTranspose2d',
    name: 'hand-computed 2x2 stride 2 upsample',
    inputs: [lit([1, 2, 2, 1], [1, 2, 3, 4]), lit([2, 2, 1, 1], [1, 1, 1, 1]), null],
    attrs: { strides: 2 },
    expected: [[1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]],
  },
  {
    // 1x1 filter [1, 1, cout 3, cin 2]: y = W x + bias, then relu.
    op: 'convTranspose2d',
    name: 'hand-computed 1x1 channel mix, bias + relu',
    inputs: [lit([1, 1, 1, 2], [1, 2]), lit([1, 1, 3, 2], [1, 0, 0, -1, 1, 1]), lit([3], [0.5, 0.5, 0.5])],
    attrs: { activation: 'relu' },
    expected: [[1.5, 0, 3.5]],
  },
  {
    // 3x3 ones stride 1 on 1x2 input [1, 2] (3x4 output, pads [1, 1, 1, 1] cut to 1x2): both outputs see both inputs.
    op: 'convTranspose2d',
    name: 'hand-computed 3x3 pads 1 (same size)',
    inputs: [lit([1, 1, 2, 1], [1, 2]), lit([3, 3, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1]), null],
    attrs: { padding: [1, 1, 1, 1] },
    expected: [[3, 3]],
  },
  {
    // filter gradient of the 2x2 stride 2 upsample: tap (ky, kx) pairs each x pixel with dy at (2 iy + ky, 2 ix + kx).
    op: 'convTranspose2dBackpropFilter',
    name: 'hand-computed 2x2 stride 2',
    inputs: [lit([1, 1, 2, 1], [1, 2]), lit([1, 2, 4, 1], [1, 2, 3, 4, 5, 6, 7, 8])],
    attrs: { strides: 2, filterShape: [2, 2, 1, 1] },
    expected: [[1 * 1 + 2 * 3, 1 * 2 + 2 * 4, 1 * 5 + 2 * 7, 1 * 6 + 2 * 8]],
  },
  ...ct('3x3 stride 1 valid, cin 3 -> 5', [2, 5, 6, 3], [3, 3, 5, 3]),
  ...ct('4x4 stride 2 pads 1 (2x upsample), cout 8 vec4, bias + leakyRelu', [2, 6, 5, 8], [4, 4, 8, 8], { strides: 2, padding: [1, 1, 1, 1] }, { bias: true, activation: 'leakyRelu', alpha: 0.1 }),
  ...ct('3x3 stride 2 same, cout 4, bias', [1, 7, 7, 6], [3, 3, 4, 6], { strides: 2, padding: 'same' }, { bias: true }),
  ...ct('3x3 stride 2 output padding 1, pads [1, 1, 1, 1]', [1, 4, 5, 2], [3, 3, 3, 2], { strides: 2, padding: [1, 1, 1, 1], outputPadding: 1 }),
  ...ct('3x3 dilation 2, sigmoid', [1, 5, 5, 4], [3, 3, 2, 4], { dilations: 2 }, { activation: 'sigmoid' }),
  ...ct('2x3 strides [3, 2], asymmetric pads, output padding [2, 1]', [2, 3, 4, 5], [2, 3, 7, 5], { strides: [3, 2], padding: [0, 1, 2, 0], outputPadding: [2, 1] }),
  ...ct('1x1 stride 1 (pointwise), cout 16', [2, 6, 6, 8], [1, 1, 16, 8]),
  ...ct('2x2 stride 1, pads [2, 0, 1, 1] wider than the window (GEMM + col2im), tanh', [1, 5, 5, 3], [2, 2, 4, 3], { padding: [2, 0, 1, 1] }, { bias: true, activation: 'tanh' }),
  ...ct('2x2 stride 2 YOLO upsample 13 -> 26, 32 -> 16', [2, 13, 13, 32], [2, 2, 16, 32], { strides: 2 }, { bias: true, activation: 'relu' }),
];

const bad = (op: string, name: string, inputs: (InputSpec | null)[], attrs: object, message: RegExp): BadCase => ({ op, name, inputs, attrs, error: 'InvalidArgumentError', message });
const t = (shape: number[]): InputSpec => ({ shape, seed: 1 });

export const convTransposeBadCases: BadCase[] = [
  bad('convTranspose2d', 'cin mismatch', [t([1, 3, 3, 2]), t([3, 3, 4, 3]), null], {}, /convTranspose2d: x \[1, 3, 3, 2\] has 2 channels but filter \[3, 3, 4, 3\] takes 3/),
  bad('convTranspose2d', 'bias size', [t([1, 3, 3, 2]), t([3, 3, 4, 2]), t([2])], {}, /convTranspose2d: bias \[2\] must be \[4\]/),
  bad('convTranspose2d', 'output padding too big', [t([1, 3, 3, 2]), t([3, 3, 4, 2]), null], { strides: 2, outputPadding: 2 }, /outputPadding \[2, 2\] must be smaller than/),
  bad('convTranspose2d', 'pads cut everything', [t([1, 1, 1, 1]), t([1, 1, 1, 1]), null], { padding: [1, 0, 0, 0] }, /convTranspose2d: output size 0x1 is empty/),
  bad('convTranspose2d', 'prelu', [t([1, 3, 3, 2]), t([3, 3, 4, 2]), null], { activation: 'prelu' }, /activation 'prelu' needs a preluAlpha input/),
  bad('convTranspose2dBackpropFilter', 'dy shape', [t([1, 3, 3, 2]), t([1, 3, 3, 4])], { filterShape: [3, 3, 4, 2] }, /convTranspose2dBackpropFilter: dy must be \[1, 5, 5, 4\]/),
];
