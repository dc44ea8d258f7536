import type { BadCase, OpCase } from '../types.js';

const add = { kind: 'add' };
const mul = { kind: 'mul' };

export const binaryCases: OpCase[] = [
  {
    op: 'binary',
    name: 'add hand-computed [2,3] + [3]',
    inputs: [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, { shape: [3], data: [10, 20, 30] }],
    attrs: add,
    expected: [[11, 22, 33, 14, 25, 36]],
  },
  {
    op: 'binary',
    name: 'mul hand-computed [2,1] * [1,3]',
    inputs: [{ shape: [2, 1], data: [2, -3] }, { shape: [1, 3], data: [1, 0.5, -2] }],
    attrs: mul,
    expected: [[2, 1, -4, -3, -1.5, 6]],
  },
  { op: 'binary', name: 'add same shape NHWC', inputs: [{ shape: [1, 7, 9, 13] }, { shape: [1, 7, 9, 13] }], attrs: add },
  { op: 'binary', name: 'add per-channel bias', inputs: [{ shape: [2, 5, 6, 19] }, { shape: [19] }], attrs: add },
  { op: 'binary', name: 'mul per-channel scale', inputs: [{ shape: [1, 8, 8, 32] }, { shape: [1, 1, 1, 32] }], attrs: mul },
  { op: 'binary', name: 'mul scalar', inputs: [{ shape: [3, 17] }, { shape: [] }], attrs: mul },
  { op: 'binary', name: 'add scalar on left', inputs: [{ shape: [1] }, { shape: [4, 5, 6] }], attrs: add },
  { op: 'binary', name: 'add outer broadcast [4,1,6]+[5,1]', inputs: [{ shape: [4, 1, 6] }, { shape: [5, 1] }], attrs: add },
  { op: 'binary', name: 'mul middle broadcast', inputs: [{ shape: [2, 3, 1, 5] }, { shape: [2, 1, 4, 5] }], attrs: mul },
  { op: 'binary', name: 'add large flat', inputs: [{ shape: [300007] }, { shape: [300007] }], attrs: add },
  { op: 'binary', name: 'add same shape, vec4 path', inputs: [{ shape: [1, 6, 6, 16] }, { shape: [1, 6, 6, 16] }], attrs: add },
  { op: 'binary', name: 'mul scalar, vec4 path', inputs: [{ shape: [2, 4, 6] }, { shape: [1, 1] }], attrs: mul },
  { op: 'binary', name: 'add per-channel [C], vec4 channel path', inputs: [{ shape: [2, 3, 5, 12] }, { shape: [12] }], attrs: add },
  { op: 'binary', name: 'add [1,H,1,C] is not per-channel', inputs: [{ shape: [2, 3, 5, 8] }, { shape: [1, 3, 1, 8] }], attrs: add },
  { op: 'binary', name: 'add empty', inputs: [{ shape: [0, 3] }, { shape: [3] }], attrs: add },
];

export const binaryBadCases: BadCase[] = [
  {
    op: 'binary',
    name: 'shapes that do not broadcast',
    inputs: [{ shape: [2, 3] }, { shape: [4] }],
    attrs: add,
    error: 'InvalidArgumentError',
    message: /do not broadcast/,
  },
  {
    op: 'binary',
    name: 'unknown kind',
    inputs: [{ shape: [2] }, { shape: [2] }],
    attrs: { kind: 'sub' },
    error: 'InvalidArgumentError',
    message: /kind must be one of/,
  },
];
