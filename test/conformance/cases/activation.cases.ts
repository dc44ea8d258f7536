import type { BadCase, OpCase } from '../types.js';

const act = (activation: string, extra: object = {}) => ({ activation, ...extra });
const X = { shape: [2, 5, 7, 11], range: [-8, 8] as [number, number] };

export const activationCases: OpCase[] = [
  {
    op: 'activation',
    name: 'hand-computed relu6 / leaky',
    inputs: [{ shape: [5], data: [-2, -0.5, 0, 3, 7] }],
    attrs: act('relu6'),
    expected: [[0, 0, 0, 3, 6]],
  },
  {
    op: 'activation',
    name: 'hand-computed leakyRelu alpha 0.1',
    inputs: [{ shape: [4], data: [-2, -0.5, 0, 3] }],
    attrs: act('leakyRelu', { alpha: 0.1 }),
    expected: [[-0.2, -0.05, 0, 3]],
  },
  ...(['none', 'relu', 'relu6', 'sigmoid', 'tanh'] as const).map((a) => ({ op: 'activation', name: `${a} NHWC`, inputs: [X], attrs: act(a) })),
  { op: 'activation', name: 'leakyRelu default alpha', inputs: [X], attrs: act('leakyRelu') },
  { op: 'activation', name: 'prelu per channel', inputs: [X, { shape: [11], range: [-1, 1] }], attrs: act('prelu') },
  { op: 'activation', name: 'prelu 8 channels (SIMD path)', inputs: [{ shape: [3, 8] }, { shape: [8] }], attrs: act('prelu') },
  { op: 'activation', name: 'sigmoid/tanh saturate', inputs: [{ shape: [6], data: [-100, -20, -1e-3, 1e-3, 20, 100] }], attrs: act('tanh') },
];

export const activationBadCases: BadCase[] = [
  { op: 'activation', name: 'unknown activation', inputs: [{ shape: [3] }], attrs: act('gelu'), error: 'InvalidArgumentError', message: /activation must be one of/ },
  { op: 'activation', name: 'NaN alpha', inputs: [{ shape: [3] }], attrs: act('leakyRelu', { alpha: NaN }), error: 'InvalidArgumentError', message: /alpha must be a number/ },
  { op: 'activation', name: 'prelu without alpha', inputs: [{ shape: [3] }], attrs: act('prelu'), error: 'InvalidArgumentError', message: /needs a preluAlpha/ },
  { op: 'activation', name: 'prelu alpha wrong size', inputs: [{ shape: [2, 3] }, { shape: [2] }], attrs: act('prelu'), error: 'InvalidArgumentError', message: /one per channel/ },
];
