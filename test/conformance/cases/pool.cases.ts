import type { BadCase, InputSpec, OpCase } from '../types.js';

const seq = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);
const X = (shape: number[], seed?: number): InputSpec => ({ shape, seed });

type Attrs = Record<string, unknown>;
const max = (name: string, shape: number[], attrs: Attrs): OpCase => ({ op: 'maxPool', name, inputs: [X(shape)], attrs });
const avg = (name: string, shape: number[], attrs: Attrs): OpCase => ({ op: 'avgPool', name, inputs: [X(shape)], attrs });
/** Both kinds on the same geometry. */
const both = (name: string, shape: number[], attrs: Attrs): OpCase[] => {
  const { countIncludePad, dilations, ...rest } = attrs;
  return [max(name, shape, { ...rest, dilations }), avg(name, shape, { ...rest, countIncludePad })];
};

export const poolCases: OpCase[] = [
  // ---- hand-computed ----
  {
    op: 'maxPool',
    name: 'hand-computed 2x2/2 valid',
    inputs: [{ shape: [1, 4, 4, 1], data: seq(16) }],
    attrs: { windowSize: 2 },
    expected: [[6, 8, 14, 16]],
  },
  {
    op: 'avgPool',
    name: 'hand-computed 2x2/2 valid',
    inputs: [{ shape: [1, 4, 4, 1], data: seq(16) }],
    attrs: { windowSize: 2, strides: 2 },
    expected: [[3.5, 5.5, 11.5, 13.5]],
  },
  {
    op: 'avgPool',
    name: 'hand-computed 3x3/1 same excludes pad',
    inputs: [{ shape: [1, 3, 3, 1], data: seq(9) }],
    attrs: { windowSize: 3, strides: 1, padding: 'same' },
    expected: [[12 / 4, 21 / 6, 16 / 4, 27 / 6, 45 / 9, 33 / 6, 24 / 4, 39 / 6, 28 / 4]],
  },
  {
    op: 'avgPool',
    name: 'hand-computed 3x3/1 same countIncludePad',
    inputs: [{ shape: [1, 3, 3, 1], data: seq(9) }],
    attrs: { windowSize: 3, strides: 1, padding: 'same', countIncludePad: true },
    expected: [[12 / 9, 21 / 9, 16 / 9, 27 / 9, 45 / 9, 33 / 9, 24 / 9, 39 / 9, 28 / 9]],
  },
  {
    op: 'maxPool',
    name: 'hand-computed padded taps never win (all negative, same)',
    inputs: [{ shape: [1, 2, 2, 1], data: [-1, -2, -3, -4] }],
    attrs: { windowSize: 2, strides: 1, padding: 'same' },
    expected: [[-1, -2, -3, -4]],
  },
  {
    op: 'maxPool',
    name: 'hand-computed ceilMode keeps a partial last window',
    inputs: [{ shape: [1, 2, 5, 1], data: [1, 5, 2, 4, 3, 0, -1, 7, -2, -3] }],
    attrs: { windowSize: 2, ceilMode: true },
    expected: [[5, 7, 3]],
  },
  {
    op: 'maxPool',
    name: 'hand-computed floor mode drops the partial window',
    inputs: [{ shape: [1, 2, 5, 1], data: [1, 5, 2, 4, 3, 0, -1, 7, -2, -3] }],
    attrs: { windowSize: 2 },
    expected: [[5, 7]],
  },
  {
    op: 'maxPool',
    name: 'hand-computed ceilMode drops a window starting in the right pad',
    inputs: [{ shape: [1, 1, 4, 1], data: [1, 2, 3, 4] }],
    attrs: { windowSize: [1, 2], padding: [0, 0, 0, 1], ceilMode: true },
    expected: [[2, 4]],
  },
  {
    // Windows start at -1, 1, 3, 5 over 1..6 with one pad each side; the last one runs past the padded input
    // (taps 5, 6 | 7): countIncludePad counts taps inside the padded input only (ONNX / PyTorch).
    op: 'avgPool',
    name: 'hand-computed ceilMode countIncludePad',
    inputs: [{ shape: [1, 1, 6, 1], data: seq(6) }],
    attrs: { windowSize: [1, 3], strides: [1, 2], padding: [0, 0, 1, 1], ceilMode: true, countIncludePad: true },
    expected: [[3 / 3, 9 / 3, 15 / 3, 6 / 2]],
  },
  {
    op: 'avgPool',
    name: 'hand-computed ceilMode excludes pad',
    inputs: [{ shape: [1, 1, 6, 1], data: seq(6) }],
    attrs: { windowSize: [1, 3], strides: [1, 2], padding: [0, 0, 1, 1], ceilMode: true },
    expected: [[3 / 2, 9 / 3, 15 / 3, 6 / 1]],
  },
  {
    op: 'maxPool',
    name: 'hand-computed dilation 2 along width',
    inputs: [{ shape: [1, 1, 5, 1], data: [3, 1, 4, 1, 5] }],
    attrs: { windowSize: [1, 2], strides: 1, dilations: [1, 2] },
    expected: [[4, 1, 5]],
  },
  {
    op: 'globalAvgPool',
    name: 'hand-computed 2x2x2',
    inputs: [{ shape: [1, 2, 2, 2], data: seq(8) }],
    attrs: {},
    expected: [[4, 5]],
  },

  // ---- seeded: both kinds on common geometries, odd channel counts and multiples of 4 ----
  ...both('2x2/2 valid c16 batch 2', [2, 8, 8, 16], { windowSize: 2 }),
  ...both('2x2/2 valid odd size c3', [1, 7, 7, 3], { windowSize: 2 }),
  ...both('2x2/2 same odd size c5', [1, 7, 9, 5], { windowSize: 2, padding: 'same' }),
  ...both('3x3/2 same c8', [1, 9, 9, 8], { windowSize: 3, strides: 2, padding: 'same' }),
  ...both('3x3/2 same even size c4 batch 2', [2, 10, 8, 4], { windowSize: 3, strides: 2, padding: 'same' }),
  ...both('3x3/2 valid c3 batch 2', [2, 9, 11, 3], { windowSize: 3, strides: 2 }),
  ...both('3x3/2 explicit 1,1,1,1 c12', [1, 8, 8, 12], { windowSize: 3, strides: 2, padding: [1, 1, 1, 1] }),
  ...both('3x3/1 explicit asymmetric 0,1,2,0 c5', [1, 6, 7, 5], { windowSize: 3, strides: 1, padding: [0, 1, 2, 0] }),
  ...both('3x3/2 ceilMode c4', [1, 8, 8, 4], { windowSize: 3, strides: 2, ceilMode: true }),
  ...both('3x2 / [2,1] ceilMode explicit pad c7', [2, 7, 6, 7], { windowSize: [3, 2], strides: [2, 1], padding: [1, 1, 0, 1], ceilMode: true }),
  ...both('c36 (16+16+4 SIMD blocks)', [1, 6, 6, 36], { windowSize: 3, strides: 1, padding: 'same' }),
  ...both('c21 (16+4+1 blocks)', [1, 5, 6, 21], { windowSize: 2, strides: 1 }),
  ...both('window = input', [2, 5, 4, 6], { windowSize: [5, 4] }),
  ...both('1x1 window stride 2', [1, 7, 7, 9], { windowSize: 1, strides: 2 }),
  avg('3x3/2 same countIncludePad c5', [1, 9, 9, 5], { windowSize: 3, strides: 2, padding: 'same', countIncludePad: true }),
  avg('3x3/2 explicit countIncludePad c8 batch 2', [2, 8, 8, 8], { windowSize: 3, strides: 2, padding: [1, 1, 1, 1], countIncludePad: true }),
  avg('3x3/2 ceilMode explicit countIncludePad c3', [1, 8, 9, 3], { windowSize: 3, strides: 2, padding: [1, 1, 1, 1], ceilMode: true, countIncludePad: true }),
  avg('3x3/2 ceilMode explicit excludes pad c3', [1, 8, 9, 3], { windowSize: 3, strides: 2, padding: [1, 1, 1, 1], ceilMode: true, countIncludePad: false }),
  max('dilation 2 c5', [1, 9, 9, 5], { windowSize: 2, strides: 1, dilations: 2 }),
  avg('dilation 2 c5', [1, 9, 9, 5], { windowSize: 2, strides: 1, dilations: 2 }),
  avg('dilation [2,3] same c8 countIncludePad', [1, 10, 11, 8], { windowSize: 3, strides: 2, dilations: [2, 3], padding: 'same', countIncludePad: true }),
  max('dilation [2,3] same c8', [1, 10, 11, 8], { windowSize: 3, strides: 2, dilations: [2, 3], padding: 'same' }),
  max('dilation 2 explicit pad ceilMode c3', [1, 8, 8, 3], { windowSize: 3, strides: 2, dilations: 2, padding: [2, 2, 2, 2], ceilMode: true }),

  // ---- globalAvgPool ----
  { op: 'globalAvgPool', name: '7x7x512', inputs: [X([1, 7, 7, 512])], attrs: {} },
  { op: 'globalAvgPool', name: 'batch 2 7x7x5', inputs: [X([2, 7, 7, 5])], attrs: {} },
  { op: 'globalAvgPool', name: '5x3x3', inputs: [X([1, 5, 3, 3])], attrs: {} },
  { op: 'globalAvgPool', name: '1x1 spatial', inputs: [X([3, 1, 1, 20])], attrs: {} },
  { op: 'maxPool', name: 'empty batch', inputs: [X([0, 4, 4, 3])], attrs: { windowSize: 2 } },
];

const bad = (op: string, name: string, shape: number[], attrs: unknown, message: RegExp): BadCase => ({
  op,
  name,
  inputs: [X(shape)],
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const poolBadCases: BadCase[] = [
  bad('maxPool', 'rank 3 input', [4, 4, 3], { windowSize: 2 }, /maxPool: x \(NHWC\): expected rank 4/),
  bad('globalAvgPool', 'rank 2 input', [4, 3], {}, /globalAvgPool: x \(NHWC\): expected rank 4/),
  bad('maxPool', 'window 0', [1, 4, 4, 1], { windowSize: 0 }, /maxPool: windowSize must be >= 1/),
  bad('avgPool', 'negative stride', [1, 4, 4, 1], { windowSize: 2, strides: [1, -1] }, /avgPool: strides\[1\] must be >= 1/),
  bad('maxPool', 'NaN window', [1, 4, 4, 1], { windowSize: NaN }, /maxPool: windowSize must be a number/),
  bad('avgPool', 'NaN stride', [1, 4, 4, 1], { windowSize: 2, strides: NaN }, /avgPool: strides must be a number/),
  bad('maxPool', 'fractional dilation', [1, 4, 4, 1], { windowSize: 2, dilations: 1.5 }, /maxPool: dilations must be an integer/),
  bad('maxPool', 'missing windowSize', [1, 4, 4, 1], {}, /maxPool: windowSize is required/),
  bad('avgPool', 'negative padding', [1, 4, 4, 1], { windowSize: 2, padding: [0, -1, 0, 0] }, /avgPool: padding bottom must be non-negative/),
  bad('maxPool', 'unknown padding mode', [1, 4, 4, 1], { windowSize: 2, padding: 'full' }, /maxPool: padding must be 'same', 'valid' or/),
  bad('maxPool', 'window larger than input', [1, 2, 5, 1], { windowSize: 3 }, /maxPool: window height 3 \(dilated\) is larger than the padded input 2/),
  bad('maxPool', 'dilated window larger than input', [1, 5, 4, 1], { windowSize: 3, dilations: 2 }, /maxPool: window width 5 \(dilated\) is larger than the padded input 4/),
  bad('avgPool', 'window of padding only', [1, 4, 4, 1], { windowSize: 2, padding: [2, 0, 0, 0] }, /avgPool: padding too large: the window at output row 0 covers only padding/),
  bad('maxPool', 'countIncludePad is avgPool only', [1, 4, 4, 1], { windowSize: 2, countIncludePad: true }, /maxPool: unknown option 'countIncludePad'/),
  bad('globalAvgPool', 'takes no options', [1, 4, 4, 1], { windowSize: 2 }, /globalAvgPool: unknown option 'windowSize'/),
  bad('maxPool', 'ceilMode not boolean', [1, 4, 4, 1], { windowSize: 2, ceilMode: 1 }, /maxPool: ceilMode must be a boolean/),
  bad('maxPool', 'windowSize triple', [1, 4, 4, 1], { windowSize: [2, 2, 2] }, /maxPool: windowSize must be a number or \[h, w\]/),
];
