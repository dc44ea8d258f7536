import type { BadCase, InputSpec, OpCase } from '../types.js';

const X = (...shape: number[]): InputSpec => ({ shape });
const concat = (name: string, inputs: InputSpec[], axis?: number): OpCase => ({
  op: 'concat',
  name,
  // Distinct seeds: the harness seeds by input index, but spell them out so equal shapes never look alike.
  inputs: inputs.map((s, i) => ({ ...s, seed: 500 + i })),
  attrs: axis === undefined ? {} : { axis },
});

export const concatCases: OpCase[] = [
  // ---- hand-computed ----
  {
    op: 'concat',
    name: 'hand-computed channels (default axis)',
    inputs: [{ shape: [1, 1, 2, 2], data: [1, 2, 3, 4] }, { shape: [1, 1, 2, 1], data: [9, 8] }],
    attrs: {},
    expected: [[1, 2, 9, 3, 4, 8]],
  },
  {
    op: 'concat',
    name: 'hand-computed axis 0',
    inputs: [{ shape: [1, 2], data: [1, 2] }, { shape: [2, 2], data: [3, 4, 5, 6] }],
    attrs: { axis: 0 },
    expected: [[1, 2, 3, 4, 5, 6]],
  },
  {
    op: 'concat',
    name: 'hand-computed axis 1 of three',
    inputs: [{ shape: [2, 2], data: [1, 2, 3, 4] }, { shape: [2, 1], data: [7, 8] }, { shape: [2, 0], data: [] }],
    attrs: { axis: 1 },
    expected: [[1, 2, 7, 3, 4, 8]],
  },

  // ---- channels (NHWC, the common case) ----
  concat('channels 2 inputs c8 + c8 (vec4)', [X(1, 6, 6, 8), X(1, 6, 6, 8)], -1),
  concat('channels 2 inputs c3 + c5', [X(2, 5, 5, 3), X(2, 5, 5, 5)]),
  concat('channels 3 inputs c3 + c5 + c4', [X(2, 5, 5, 3), X(2, 5, 5, 5), X(2, 5, 5, 4)], 3),
  concat('channels 3 inputs c16 + c32 + c8', [X(1, 7, 7, 16), X(1, 7, 7, 32), X(1, 7, 7, 8)], -1),
  concat('channels 2 inputs c64 + c96 (long rows)', [X(1, 4, 4, 64), X(1, 4, 4, 96)], -1),
  concat('channels 3 inputs c1 + c2 + c1', [X(1, 9, 9, 1), X(1, 9, 9, 2), X(1, 9, 9, 1)], -1),

  // ---- other axes ----
  concat('axis 1 batch 2', [X(2, 3, 5, 4), X(2, 4, 5, 4)], 1),
  concat('axis 1 batch 1 (contiguous)', [X(1, 3, 4, 4), X(1, 2, 4, 4)], 1),
  concat('axis 2 batch 2 (few blocks)', [X(2, 1, 3, 2), X(2, 1, 2, 2)], 2),
  concat('axis 2 many blocks', [X(3, 6, 2, 5), X(3, 6, 3, 5)], -2),
  concat('axis 0 three inputs', [X(2, 4, 4, 3), X(1, 4, 4, 3), X(3, 4, 4, 3)], 0),
  concat('axis -2 rank 3', [X(4, 3, 6), X(4, 5, 6)], -2),
  concat('rank 1', [X(5), X(7), X(1)], 0),
  concat('single input', [X(2, 3, 4, 5)]),
  concat('input empty along the axis', [X(2, 3, 0), X(2, 3, 5), X(2, 3, 0)], -1),
  concat('large channel concat', [X(1, 32, 32, 24), X(1, 32, 32, 40)], -1),
];

const bad = (name: string, inputs: InputSpec[], attrs: unknown, message: RegExp): BadCase => ({
  op: 'concat',
  name,
  inputs,
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const concatBadCases: BadCase[] = [
  bad('mismatched shapes', [X(1, 4, 4, 3), X(1, 5, 4, 3)], {}, /concat: input 1 \[1, 5, 4, 3\] does not match input 0 \[1, 4, 4, 3\] on dim 1/),
  bad('mismatched channels on axis 1', [X(1, 4, 4, 3), X(1, 2, 4, 5)], { axis: 1 }, /concat: input 1 .* does not match input 0 .* on dim 3/),
  bad('rank mismatch', [X(1, 4, 4, 3), X(4, 4, 3)], {}, /concat: input 1 \[4, 4, 3\] has rank 3, input 0 \[1, 4, 4, 3\] has rank 4/),
  bad('axis out of range', [X(1, 4, 4, 3), X(1, 4, 4, 3)], { axis: 4 }, /concat: axis 4 is out of range for rank 4 \(valid: -4 to 3\)/),
  bad('negative axis out of range', [X(2, 3), X(2, 3)], { axis: -3 }, /concat: axis -3 is out of range for rank 2/),
  bad('NaN axis', [X(2, 3), X(2, 3)], { axis: NaN }, /concat: axis must be a number, got NaN/),
  bad('fractional axis', [X(2, 3), X(2, 3)], { axis: 0.5 }, /concat: axis must be an integer/),
  bad('unknown option', [X(2, 3), X(2, 3)], { dim: 1 }, /concat: unknown option 'dim'/),
  bad('scalars', [X(), X()], {}, /concat: inputs must have rank >= 1/),
  bad('no inputs', [], {}, /concat: needs at least one input/),
];
