import type { BadCase, InputSpec, OpCase } from '../types.js';

const t = (...shape: number[]): InputSpec => ({ shape });
const l2 = (name: string, x: InputSpec, attrs: object = {}): OpCase => ({ op: 'l2Normalize', name, inputs: [x], attrs });

export const l2NormalizeCases: OpCase[] = [
  {
    op: 'l2Normalize',
    name: 'hand-computed [3,4], an all-zero row, [1,0]',
    inputs: [{ shape: [3, 2], data: [3, 4, 0, 0, 1, 0] }],
    attrs: {},
    expected: [[0.6, 0.8, 0, 0, 1, 0]],
  },
  {
    op: 'l2Normalize',
    name: 'hand-computed axis 0',
    inputs: [{ shape: [2, 2], data: [3, 1, 4, 0] }],
    attrs: { axis: 0 },
    expected: [[0.6, 1, 0.8, 0]],
  },
  {
    op: 'l2Normalize',
    name: 'hand-computed epsilon floor (sum 0.390625 < epsilon 1)',
    inputs: [{ shape: [2], data: [0.375, 0.5] }],
    attrs: { epsilon: 1 },
    expected: [[0.375, 0.5]],
  },
  l2('embeddings [4,128]', t(4, 128)),
  l2('[4,128] axis 0', t(4, 128), { axis: 0 }),
  l2('all-zero rows', { shape: [3, 16], data: new Array(48).fill(0) }),
  l2('odd row length [5,13]', t(5, 13)),
  l2('axis 1 of [2,7,6]', t(2, 7, 6), { axis: 1 }),
  l2('one long row (workgroup per row)', t(1, 512)),
  l2('tiny values hit epsilon', { shape: [2, 8], range: [-1e-7, 1e-7] }, { epsilon: 1e-10 }),
  l2('1-D', t(9)),
];

const bad = (name: string, inputs: InputSpec[], attrs: object, message: RegExp): BadCase => ({
  op: 'l2Normalize',
  name,
  inputs,
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const l2NormalizeBadCases: BadCase[] = [
  bad('NaN epsilon', [t(2, 3)], { epsilon: NaN }, /l2Normalize: epsilon must be a number/),
  bad('negative epsilon', [t(2, 3)], { epsilon: -1 }, /epsilon must be a finite number >= 0/),
  bad('axis out of range', [t(2, 3)], { axis: -3 }, /l2Normalize: axis -3 is out of range for rank 2/),
  bad('unknown option', [t(2, 3)], { eps: 1e-6 }, /unknown option 'eps'/),
];
