// Dense backward: dW, db, dx for each activation, the activation's derivative taken from the forward output y.
import type { BadCase, InputSpec, OpCase } from '../types.js';

const t = (shape: number[], seed: number, range: [number, number] = [-1, 1]): InputSpec => ({ shape, seed, range });

function dg(name: string, x: number[], n: number, attrs: Record<string, unknown> = {}, yRange: [number, number] = [0.01, 0.99]): OpCase {
  const k = x[x.length - 1]!;
  const out = [...x.slice(0, -1), n];
  const linear = !attrs.activation || attrs.activation === 'none' || attrs.activation === 'linear';
  return { op: 'denseGrad', name, inputs: [t(x, 1), t([k, n], 2), linear ? null : t(out, 3, yRange), t(out, 4)], attrs };
}

export const denseGradCases: OpCase[] = [
  {
    op: 'denseGrad',
    name: 'hand-computed linear 1x2 -> 1',
    inputs: [{ shape: [1, 2], data: [1, 2] }, { shape: [2, 1], data: [3, 4] }, null, { shape: [1, 1], data: [0.5] }],
    attrs: {},
    expected: [[0.5, 1], [0.5], [1.5, 2]],
  },
  dg('linear [32,64] -> 5', [32, 64], 5),
  dg('softmax [32,64] -> 5 (y a distribution-ish)', [32, 64], 5, { activation: 'softmax' }),
  dg('relu [7,13] -> 9', [7, 13], 9, { activation: 'relu' }, [-1, 1]),
  dg('relu6 [5,8] -> 4', [5, 8], 4, { activation: 'relu6' }, [-1, 7]),
  dg('leakyRelu [6,5] -> 3', [6, 5], 3, { activation: 'leakyRelu', alpha: 0.1 }, [-1, 1]),
  dg('sigmoid [3,4] -> 17', [3, 4], 17, { activation: 'sigmoid' }),
  dg('tanh [10,33] -> 31', [10, 33], 31, { activation: 'tanh' }, [-0.99, 0.99]),
  dg('time-distributed [4,10,64] -> 5', [4, 10, 64], 5, { activation: 'tanh' }, [-0.99, 0.99]),
  dg('no dx, one row', [1, 16], 8, { inputGrad: false }),
  dg('wide [2,300] -> 130', [2, 300], 130),
];

const bad = (name: string, inputs: (InputSpec | null)[], attrs: object, message: RegExp): BadCase => ({ op: 'denseGrad', name, inputs, attrs, error: 'InvalidArgumentError', message });

export const denseGradBadCases: BadCase[] = [
  bad('k mismatch', [t([2, 3], 1), t([4, 2], 2), null, t([2, 2], 3)], {}, /denseGrad: x \[2, 3\] must end in k=4/),
  bad('dy shape', [t([2, 3], 1), t([3, 2], 2), null, t([2, 3], 3)], {}, /dy must be \[2, 2\], got \[2, 3\]/),
  bad('missing y for relu', [t([2, 3], 1), t([3, 2], 2), null, t([2, 2], 3)], { activation: 'relu' }, /activation 'relu' needs the forward output y/),
  bad('unknown activation', [t([2, 3], 1), t([3, 2], 2), null, t([2, 2], 3)], { activation: 'gelu' }, /activation must be one of/),
  bad('unknown option', [t([2, 3], 1), t([3, 2], 2), null, t([2, 2], 3)], { bias: true }, /unknown option 'bias'/),
];
