// Conv2d backward (input and filter gradients), bias gradient and activation backward; hand-computed cases check
// the reference, seeded ones cover strides, padding, dilation, odd channel counts, the pointwise GEMM path and the
// multi-chunk path (a column buffer over COL_CHUNK_FLOATS).
import { prepareConv2d } from '../../../src/ops/conv2d/spec.js';
import type { BadCase, InputSpec, OpCase } from '../types.js';

let seed = 9100;
const rnd = (shape: number[], range: [number, number] = [-1, 1]): InputSpec => ({ shape, seed: seed++, range });
const lit = (shape: number[], data: number[]): InputSpec => ({ shape, data });
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

type Geom = { strides?: number | [number, number]; padding?: 'same' | 'valid' | [number, number, number, number]; dilations?: number | [number, number] };

function dyShape(x: number[], f: number[], g: Geom): number[] {
  return prepareConv2d([x, f], g).outShapes[0]! as number[];
}

/** Both gradients of one conv geometry: x [n,h,w,cin], filter [kh,kw,cin,cout]. */
function grads(name: string, x: number[], f: number[], g: Geom = {}): OpCase[] {
  const dy = dyShape(x, f, g);
  return [
    { op: 'conv2dBackpropInput', name, inputs: [rnd(dy), rnd(f, [-0.5, 0.5])], attrs: { ...g, inputShape: x } },
    { op: 'conv2dBackpropFilter', name, inputs: [rnd(x), rnd(dy)], attrs: { ...g, filterShape: f } },
  ];
}

export const conv2dGradCases: OpCase[] = [
  {
    op: 'conv2dBackpropInput',
    name: 'hand-computed 2x2 valid: dx = dy * W',
    inputs: [lit([1, 1, 1, 1], [2]), lit([2, 2, 1, 1], [1, 2, 3, 4])],
    attrs: { inputShape: [1, 2, 2, 1] },
    expected: [[2, 4, 6, 8]],
  },
  {
    // 1x1 stride 2 over 3x3 reads pixels (0,0), (0,2), (2,0), (2,2): only they get gradient.
    op: 'conv2dBackpropInput',
    name: 'hand-computed 1x1 stride 2',
    inputs: [lit([1, 2, 2, 1], [1, 2, 3, 4]), lit([1, 1, 1, 1], [3])],
    attrs: { strides: 2, inputShape: [1, 3, 3, 1] },
    expected: [[3, 0, 6, 0, 0, 0, 9, 0, 12]],
  },
  {
    // 2x2 stride 2 over 3x3 (valid): one output pixel reads x(0..1, 0..1) = 1, 2, 4, 5.
    op: 'conv2dBackpropFilter',
    name: 'hand-computed 2x2 stride 2',
    inputs: [lit([1, 3, 3, 1], range(9, 1)), lit([1, 1, 1, 1], [0.5])],
    attrs: { strides: 2, filterShape: [2, 2, 1, 1] },
    expected: [[0.5, 1, 2, 2.5]],
  },
  {
    // 'same' 3x3 on 2x2, one channel, dy = 1 everywhere: tap (ky, kx) sums the x pixels it meets.
    op: 'conv2dBackpropFilter',
    name: 'hand-computed 3x3 same, dy = 1',
    inputs: [lit([1, 2, 2, 1], [1, 2, 3, 4]), lit([1, 2, 2, 1], [1, 1, 1, 1])],
    attrs: { padding: 'same', filterShape: [3, 3, 1, 1] },
    expected: [[1, 3, 2, 4, 10, 6, 3, 7, 4]],
  },
  ...grads('3x3 same, cin 5 -> 6, batch 2', [2, 7, 9, 5], [3, 3, 5, 6], { padding: 'same' }),
  ...grads('3x3 stride 2 same, cin 8 (vec4) -> 12', [2, 9, 8, 8], [3, 3, 8, 12], { strides: 2, padding: 'same' }),
  ...grads('5x5 stride 2, explicit pads [1, 2, 0, 3], cin 3', [1, 11, 10, 3], [5, 5, 3, 4], { strides: 2, padding: [1, 2, 0, 3] }),
  ...grads('3x3 dilation 2 same, cin 4 -> 8', [1, 10, 10, 4], [3, 3, 4, 8], { dilations: 2, padding: 'same' }),
  ...grads('4x3 strides [2, 3] pads [1, 0, 2, 1], odd sizes', [1, 5, 7, 2], [4, 3, 2, 3], { strides: [2, 3], padding: [1, 0, 2, 1] }),
  ...grads('2x2 stride 2 valid (downsample), batch 3', [3, 8, 8, 4], [2, 2, 4, 4], { strides: 2 }),
  ...grads('pointwise 1x1 (plain GEMM), cin 16 -> 8', [2, 6, 6, 16], [1, 1, 16, 8]),
  ...grads('1x1 stride 2, cin 4', [1, 7, 7, 4], [1, 1, 4, 4], { strides: 2 }),
  ...grads('1x1 stride 1 padded [1, 0, 0, 1] (pad wider than the window: GEMM + col2im)', [1, 5, 6, 3], [1, 1, 3, 5], { padding: [1, 0, 0, 1] }),
  ...grads('3x3 same YOLO-like 26x26, 16 -> 32', [2, 26, 26, 16], [3, 3, 16, 32], { padding: 'same' }),
  // Column buffers over COL_CHUNK_FLOATS: dx (stride 2: GEMM + col2im) in two image chunks, dW in two pixel
  // chunks that split an image. Non-negative data (post-ReLU activations): 2048-term f32 sums of mixed signs
  // cancel to values below their own rounding error, which no f32 kernel meets at the default tolerance.
  {
    op: 'conv2dBackpropInput',
    name: '3x3 stride 2 same 64x64x256, two image chunks',
    inputs: [rnd([2, 32, 32, 4], [0, 1]), rnd([3, 3, 256, 4], [0, 0.5])],
    attrs: { strides: 2, padding: 'same', inputShape: [2, 64, 64, 256] },
  },
  {
    op: 'conv2dBackpropFilter',
    name: '3x3 same 32x32x256, two pixel chunks',
    inputs: [rnd([2, 32, 32, 256], [0, 1]), rnd([2, 32, 32, 4], [0, 1])],
    attrs: { padding: 'same', filterShape: [3, 3, 256, 4] },
  },
  {
    op: 'biasGrad',
    name: 'hand-computed [2, 3]',
    inputs: [lit([2, 3], [1, 2, 3, 4, 5, 6])],
    attrs: {},
    expected: [[5, 7, 9]],
  },
  { op: 'biasGrad', name: 'NHWC [2, 9, 7, 13]', inputs: [rnd([2, 9, 7, 13])], attrs: {} },
  { op: 'biasGrad', name: 'NHWC [4, 13, 13, 64]', inputs: [rnd([4, 13, 13, 64])], attrs: {} },
  {
    op: 'activationGrad',
    name: 'hand-computed relu',
    inputs: [lit([4], [1, 2, 3, 4]), lit([4], [0, 0.5, 2, 0])],
    attrs: { activation: 'relu' },
    expected: [[0, 2, 3, 0]],
  },
  {
    op: 'activationGrad',
    name: 'hand-computed leakyRelu 0.1',
    inputs: [lit([2], [1, 1]), lit([2], [-1, 1])],
    attrs: { activation: 'leakyRelu', alpha: 0.1 },
    expected: [[0.1, 1]],
  },
  {
    op: 'activationGrad',
    name: 'hand-computed sigmoid: y (1 - y)',
    inputs: [lit([1, 1, 1, 2], [2, 4]), lit([1, 1, 1, 2], [0.5, 0.25])],
    attrs: { activation: 'sigmoid' },
    expected: [[0.5, 0.75]],
  },
  { op: 'activationGrad', name: 'linear [3, 5, 5, 7]', inputs: [rnd([3, 5, 5, 7]), rnd([3, 5, 5, 7])], attrs: { activation: 'linear' } },
  { op: 'activationGrad', name: 'relu [2, 6, 6, 9]', inputs: [rnd([2, 6, 6, 9]), rnd([2, 6, 6, 9])], attrs: { activation: 'relu' } },
  { op: 'activationGrad', name: 'leakyRelu [2, 13, 13, 33]', inputs: [rnd([2, 13, 13, 33]), rnd([2, 13, 13, 33])], attrs: { activation: 'leakyRelu', alpha: 0.1 } },
  { op: 'activationGrad', name: 'sigmoid [1, 4, 4, 5]', inputs: [rnd([1, 4, 4, 5]), rnd([1, 4, 4, 5], [0, 1])], attrs: { activation: 'sigmoid' } },
  { op: 'activationGrad', name: 'relu6 [3, 7, 5] (tail of 1)', inputs: [rnd([3, 7, 5]), rnd([3, 7, 5], [-1, 7])], attrs: { activation: 'relu6' } },
  { op: 'activationGrad', name: 'tanh [37]', inputs: [rnd([37]), rnd([37], [-1, 1])], attrs: { activation: 'tanh' } },
];

const bad = (op: string, name: string, inputs: (InputSpec | null)[], attrs: object, message: RegExp): BadCase => ({ op, name, inputs, attrs, error: 'InvalidArgumentError', message });
const t = (shape: number[]): InputSpec => ({ shape, seed: 1 });

export const conv2dGradBadCases: BadCase[] = [
  bad('conv2dBackpropInput', 'dy shape', [t([1, 3, 3, 2]), t([3, 3, 1, 2])], { inputShape: [1, 4, 4, 1] }, /conv2dBackpropInput: dy must be \[1, 2, 2, 2\]/),
  bad('conv2dBackpropInput', 'no inputShape', [t([1, 2, 2, 2]), t([3, 3, 1, 2])], {}, /conv2dBackpropInput: needs attribute inputShape/),
  bad('conv2dBackpropInput', 'filter cin vs inputShape', [t([1, 2, 2, 2]), t([3, 3, 3, 2])], { inputShape: [1, 4, 4, 1] }, /conv2dBackpropInput: input x \[1, 4, 4, 1\] has 1 channels/),
  bad('conv2dBackpropInput', 'groups not supported', [t([1, 2, 2, 2]), t([3, 3, 1, 2])], { inputShape: [1, 4, 4, 1], groups: 2 }, /unknown option 'groups'/),
  bad('conv2dBackpropFilter', 'dy shape', [t([1, 4, 4, 1]), t([1, 4, 4, 2])], { filterShape: [3, 3, 1, 2] }, /conv2dBackpropFilter: dy must be \[1, 2, 2, 2\]/),
  bad('conv2dBackpropFilter', 'filterShape rank', [t([1, 4, 4, 1]), t([1, 2, 2, 2])], { filterShape: [3, 3, 2] }, /conv2dBackpropFilter: filterShape: expected rank 4/),
  bad('biasGrad', 'two inputs', [t([2, 3]), t([2, 3])], {}, /biasGrad: takes 1 input/),
  bad('activationGrad', 'shape mismatch', [t([2, 3]), t([3, 2])], { activation: 'relu' }, /activationGrad: dy \[2, 3\] and y \[3, 2\] must have the same shape/),
  bad('activationGrad', 'unknown activation', [t([2, 3]), t([2, 3])], { activation: 'gelu' }, /activationGrad: activation must be one of/),
];
