import type { BadCase, OpCase } from '../types.js';

const seq = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);
type P = [number, number][];
const pad = (name: string, shape: number[], paddings: P, extra: Record<string, unknown> = {}): OpCase => ({
  op: 'pad',
  name,
  inputs: [{ shape }],
  attrs: { paddings, ...extra },
});
const NHWC_HW: P = [[0, 0], [1, 2], [2, 1], [0, 0]];

export const padCases: OpCase[] = [
  // ---- hand-computed ----
  {
    op: 'pad',
    name: 'hand-computed rank 2 constant 9',
    inputs: [{ shape: [2, 3], data: seq(6) }],
    attrs: { paddings: [[1, 0], [0, 2]], value: 9 },
    expected: [[9, 9, 9, 9, 9, 1, 2, 3, 9, 9, 4, 5, 6, 9, 9]],
  },
  {
    op: 'pad',
    name: 'hand-computed rank 1 reflect',
    inputs: [{ shape: [4], data: [1, 2, 3, 4] }],
    attrs: { paddings: [[2, 3]], mode: 'reflect' },
    expected: [[3, 2, 1, 2, 3, 4, 3, 2, 1]],
  },
  {
    op: 'pad',
    name: 'hand-computed rank 1 edge',
    inputs: [{ shape: [3], data: [1, 2, 3] }],
    attrs: { paddings: [[2, 1]], mode: 'edge' },
    expected: [[1, 1, 1, 2, 3, 3]],
  },
  {
    op: 'pad',
    name: 'hand-computed rank 2 reflect',
    inputs: [{ shape: [3, 3], data: seq(9) }],
    attrs: { paddings: [[1, 1], [1, 1]], mode: 'reflect' },
    expected: [[5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 8, 7, 8, 9, 8, 5, 4, 5, 6, 5]],
  },
  {
    op: 'pad',
    name: 'hand-computed NHWC constant over H, W (c2)',
    inputs: [{ shape: [1, 2, 1, 2], data: [1, 2, 3, 4] }],
    attrs: { paddings: [[0, 0], [0, 1], [1, 0], [0, 0]], value: -1 },
    expected: [[-1, -1, 1, 2, -1, -1, 3, 4, -1, -1, -1, -1]],
  },

  // ---- rank 4 (NHWC) ----
  pad('rank 4 constant H,W c8 (vec4)', [1, 5, 6, 8], NHWC_HW),
  pad('rank 4 constant H,W c3 value -1.5', [2, 5, 6, 3], NHWC_HW, { value: -1.5 }),
  pad('rank 4 constant every dim c5', [2, 4, 3, 5], [[1, 0], [1, 1], [1, 1], [1, 3]], { value: 0.25 }),
  pad('rank 4 constant channels only c6 -> 8', [1, 3, 3, 6], [[0, 0], [0, 0], [0, 0], [0, 2]]),
  pad('rank 4 constant batch only', [1, 3, 3, 4], [[1, 2], [0, 0], [0, 0], [0, 0]]),
  pad('rank 4 reflect H,W c4 (vec4)', [2, 5, 6, 4], NHWC_HW, { mode: 'reflect' }),
  pad('rank 4 reflect H,W c3', [1, 6, 5, 3], [[0, 0], [3, 3], [4, 2], [0, 0]], { mode: 'reflect' }),
  pad('rank 4 reflect every dim c6', [2, 4, 5, 6], [[1, 0], [2, 1], [1, 3], [2, 2]], { mode: 'reflect' }),
  pad('rank 4 edge H,W c8, pads larger than dims', [2, 4, 5, 8], [[0, 0], [5, 3], [2, 7], [0, 0]], { mode: 'edge' }),
  pad('rank 4 edge every dim c5', [2, 3, 4, 5], [[1, 1], [0, 2], [3, 0], [1, 2]], { mode: 'edge' }),
  pad('rank 4 no padding', [1, 3, 4, 5], [[0, 0], [0, 0], [0, 0], [0, 0]]),

  // ---- rank 2 ----
  pad('rank 2 constant', [7, 9], [[2, 1], [3, 4]], { value: 3 }),
  pad('rank 2 reflect', [7, 9], [[6, 1], [3, 8]], { mode: 'reflect' }),
  pad('rank 2 edge', [7, 9], [[2, 1], [10, 4]], { mode: 'edge' }),
  pad('rank 2 reflect rows only, cols 16 (vec4)', [5, 16], [[2, 4], [0, 0]], { mode: 'reflect' }),

  // ---- other ranks and sizes ----
  pad('rank 1 large constant', [100003], [[5, 7]]),
  pad('rank 3 reflect', [4, 5, 6], [[1, 2], [0, 0], [5, 1]], { mode: 'reflect' }),
  pad('rank 5 edge', [2, 3, 2, 3, 4], [[0, 1], [1, 0], [0, 0], [2, 2], [0, 0]], { mode: 'edge' }),
  pad('rank 6 constant', [2, 2, 3, 2, 3, 2], [[1, 0], [0, 0], [0, 1], [1, 1], [0, 0], [2, 1]], { value: 7 }),
  pad('rank 6 reflect', [2, 2, 3, 2, 3, 4], [[1, 0], [0, 0], [2, 1], [1, 1], [0, 0], [0, 0]], { mode: 'reflect' }),
  pad('empty dim, constant fill', [0, 3], [[1, 1], [0, 0]], { value: 2 }),
];

const bad = (name: string, shape: number[], attrs: unknown, message: RegExp): BadCase => ({
  op: 'pad',
  name,
  inputs: [{ shape }],
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const padBadCases: BadCase[] = [
  bad('rank 0', [], { paddings: [] }, /pad: x: expected rank 1 to 6, got rank 0/),
  bad('rank 7', [1, 1, 1, 1, 1, 1, 2], { paddings: Array(7).fill([0, 0]) }, /pad: x: expected rank 1 to 6, got rank 7/),
  bad('negative padding', [2, 3], { paddings: [[0, 0], [-1, 0]] }, /pad: paddings\[1\]\[0\] must be non-negative, got -1/),
  bad('NaN padding', [2, 3], { paddings: [[0, NaN], [0, 0]] }, /pad: paddings\[0\]\[1\] must be an integer, got NaN/),
  bad('fractional padding', [2, 3], { paddings: [[0, 0.5], [0, 0]] }, /pad: paddings\[0\]\[1\] must be an integer/),
  bad('one pair per dim', [2, 3], { paddings: [[1, 1]] }, /pad: paddings must hold one \[before, after\] pair per dim \(2 for \[2, 3\]\)/),
  bad('pair of three', [2, 3], { paddings: [[1, 1], [1, 1, 1]] }, /pad: paddings\[1\] must be \[before, after\]/),
  bad('missing paddings', [2, 3], {}, /pad: paddings must hold one/),
  bad('reflect padding = dim size', [3, 4], { paddings: [[3, 0], [0, 0]], mode: 'reflect' }, /pad: reflect padding \[3,0\] on dim 0 must be smaller than its size 3/),
  bad('reflect on a dim of 1', [1, 4], { paddings: [[0, 1], [0, 0]], mode: 'reflect' }, /pad: reflect padding \[0,1\] on dim 0 must be smaller than its size 1/),
  bad('edge on an empty dim', [0, 4], { paddings: [[1, 0], [0, 0]], mode: 'edge' }, /pad: edge padding on dim 0 needs a non-empty dim/),
  bad('unknown mode', [2, 3], { paddings: [[0, 0], [1, 1]], mode: 'symmetric' }, /pad: mode must be one of constant, reflect, edge/),
  bad('NaN value', [2, 3], { paddings: [[0, 0], [1, 1]], value: NaN }, /pad: value must be a number, got NaN/),
  bad('unknown option', [2, 3], { paddings: [[0, 0], [1, 1]], constantValue: 1 }, /pad: unknown option 'constantValue'/),
];
