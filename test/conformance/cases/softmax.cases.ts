import type { BadCase, InputSpec, OpCase } from '../types.js';

const t = (...shape: number[]): InputSpec => ({ shape, range: [-4, 4] });
const sm = (name: string, x: InputSpec, attrs: object = {}): OpCase => ({ op: 'softmax', name, inputs: [x], attrs });
const e = Math.E;
const s4 = 1 + e + e ** 2 + e ** 3;

export const softmaxCases: OpCase[] = [
  {
    op: 'softmax',
    name: 'hand-computed [0, 1, 2, 3] and a row of equal values',
    inputs: [{ shape: [2, 4], data: [0, 1, 2, 3, 7, 7, 7, 7] }],
    attrs: {},
    expected: [[1 / s4, e / s4, e ** 2 / s4, e ** 3 / s4, 0.25, 0.25, 0.25, 0.25]],
  },
  {
    op: 'softmax',
    name: 'hand-computed large values (1000, 1001) are stable',
    inputs: [{ shape: [1, 3], data: [1000, 1001, 1000] }],
    attrs: {},
    expected: [[1 / (2 + e), e / (2 + e), 1 / (2 + e)]],
  },
  {
    op: 'softmax',
    name: 'hand-computed axis 0',
    inputs: [{ shape: [2, 2], data: [0, 5, 1, 5] }],
    attrs: { axis: 0 },
    expected: [[1 / (1 + e), 0.5, e / (1 + e), 0.5]],
  },
  sm('last axis [4,128]', t(4, 128)),
  sm('rows of length 1', t(6, 1)),
  sm('rows of length 5', t(7, 5)),
  sm('rows of length 128, 3 rows', t(3, 128)),
  sm('axis 1 of [2,5,7]', t(2, 5, 7), { axis: 1 }),
  sm('axis 1 of [3,6,4] (4 strided rows at once)', t(3, 6, 4), { axis: 1 }),
  sm('axis 0 of [9,10]', t(9, 10), { axis: 0 }),
  sm('axis -2 NHWC [1,4,5,3]', t(1, 4, 5, 3), { axis: -2 }),
  sm('large values around 1000', { shape: [5, 33], range: [995, 1005] }),
  sm('large values around -1000, axis 0', { shape: [17, 6], range: [-1005, -995] }, { axis: 0 }),
  sm('wide spread [-80, 80]', { shape: [3, 40], range: [-80, 80] }),
  sm('one long row (workgroup per row)', t(1, 1000)),
  sm('few long rows, axis 0 (workgroup per strided row)', t(600, 3), { axis: 0 }),
  sm('1-D', t(11)),
  sm('many rows [300,10]', t(300, 10)),
];

const bad = (name: string, inputs: InputSpec[], attrs: object, message: RegExp): BadCase => ({
  op: 'softmax',
  name,
  inputs,
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const softmaxBadCases: BadCase[] = [
  bad('axis out of range', [t(2, 3)], { axis: 2 }, /softmax: axis 2 is out of range for rank 2 input \[2, 3\]/),
  bad('negative axis out of range', [t(2, 3)], { axis: -3 }, /axis -3 is out of range/),
  bad('non-integer axis', [t(2, 3)], { axis: 0.5 }, /axis must be an integer/),
  bad('NaN axis', [t(2, 3)], { axis: NaN }, /axis must be a number/),
  bad('scalar input', [{ shape: [] }], {}, /axis -1 is out of range for rank 0/),
  bad('unknown option', [t(2, 3)], { dim: 1 }, /unknown option 'dim'/),
];
