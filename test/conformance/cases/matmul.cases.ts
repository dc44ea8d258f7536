import type { BadCase, InputSpec, OpCase } from '../types.js';

const t = (...shape: number[]): InputSpec => ({ shape });
const mm = (name: string, inputs: (InputSpec | null)[], attrs: object = {}): OpCase => ({ op: 'matmul', name, inputs, attrs });

export const matmulCases: OpCase[] = [
  {
    op: 'matmul',
    name: 'hand-computed [2,3] x [3,2]',
    inputs: [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, { shape: [3, 2], data: [7, 8, 9, 10, 11, 12] }],
    attrs: {},
    expected: [[58, 64, 139, 154]],
  },
  {
    op: 'matmul',
    name: 'hand-computed transposeB + bias + relu',
    // a [[1,2],[3,4]], b stored [[1,0],[1,-1]] (b^T = [[1,1],[0,-1]]), bias [-2, 1]
    inputs: [{ shape: [2, 2], data: [1, 2, 3, 4] }, { shape: [2, 2], data: [1, 0, 1, -1] }, { shape: [2], data: [-2, 1] }],
    attrs: { transposeB: true, activation: 'relu' },
    expected: [[0, 0, 1, 0]],
  },
  {
    op: 'matmul',
    name: 'hand-computed batch broadcast [2,1,2] x [2,1]',
    inputs: [{ shape: [2, 1, 2], data: [1, 2, 3, 4] }, { shape: [2, 1], data: [10, 1] }],
    attrs: {},
    expected: [[12, 34]],
  },
  mm('square 64', [t(64, 64), t(64, 64)]),
  mm('odd sizes m=7 k=13 n=5', [t(7, 13), t(13, 5)]),
  mm('n multiple of 4 (m=9 k=11 n=12)', [t(9, 11), t(11, 12)]),
  mm('n=35 k=21 (panel and k tails)', [t(6, 21), t(21, 35)]),
  mm('m=1 vector n=64', [t(1, 96), t(96, 64)]),
  mm('m=1 vector n=7', [t(1, 33), t(33, 7)]),
  mm('m=1 long k (split-k gemv)', [t(1, 1024), t(1024, 8)]),
  mm('m=2 rows', [t(2, 19), t(19, 20)]),
  mm('m=1 transposeB', [t(1, 64), t(10, 64)], { transposeB: true }),
  mm('m=1 transposeB k odd', [t(1, 13), t(6, 13)], { transposeB: true }),
  mm('m=1 transposeA', [t(24, 1), t(24, 16)], { transposeA: true }),
  mm('transposeA', [t(13, 7), t(13, 5)], { transposeA: true }),
  mm('transposeA n%4=0', [t(17, 10), t(17, 24)], { transposeA: true }),
  mm('transposeB', [t(7, 13), t(5, 13)], { transposeB: true }),
  mm('transposeB n%4=0', [t(10, 17), t(24, 17)], { transposeB: true }),
  mm('transposeB k%4=0 (vec4 dot path) + bias, relu6', [{ shape: [7, 12], range: [-3, 3] }, t(5, 12), t(5)], { transposeB: true, activation: 'relu6' }),
  mm('transposeB k%4=0, 64 x 64 x 32', [t(64, 32), t(64, 32)], { transposeB: true }),
  mm('broadcast transposeB [2,1,m,k] x [3,n,k]', [t(2, 1, 5, 8), t(3, 6, 8)], { transposeB: true }),
  mm('transposeA and transposeB', [t(13, 7), t(5, 13)], { transposeA: true, transposeB: true }),
  mm('transposeA m=3', [t(9, 3), t(9, 8)], { transposeA: true }),
  mm('batched [3,m,k] x [k,n]', [t(3, 5, 6), t(6, 7)]),
  mm('batched [3,m,k] x [3,k,n]', [t(3, 5, 6), t(3, 6, 8)]),
  mm('batched [k,n] from [3,m,k] transposeA', [t(3, 6, 5), t(6, 8)], { transposeA: true }),
  mm('broadcast [2,1,m,k] x [3,k,n]', [t(2, 1, 4, 6), t(3, 6, 5)]),
  mm('broadcast [2,1,m,k] x [3,k,n] n%4=0', [t(2, 1, 4, 6), t(3, 6, 8)]),
  mm('broadcast [m,k] x [2,k,n]', [t(5, 6), t(2, 6, 7)]),
  mm('batched m=1 [4,1,k] x [4,k,n]', [t(4, 1, 32), t(4, 32, 16)]),
  mm('batched transposeB [2,3,m,k] x [2,3,n,k]', [t(2, 3, 5, 8), t(2, 3, 6, 8)], { transposeB: true }),
  mm('k=0 with bias', [t(3, 0), t(0, 4), t(4)]),
  mm('128x128x128', [t(128, 128), t(128, 128)]),
  mm('bias n=10', [t(6, 9), t(9, 10), t(10)]),
  ...(['relu', 'relu6', 'leakyRelu', 'sigmoid', 'tanh'] as const).flatMap((activation) => [
    mm(`${activation} + bias n=12`, [t(5, 7), t(7, 12), { shape: [12], range: [-2, 2] }], { activation }),
    mm(`${activation} n=5`, [{ shape: [5, 7], range: [-3, 3] }, t(7, 5)], { activation }),
  ]),
  mm('leakyRelu alpha 0.3', [t(4, 6), t(6, 8)], { activation: 'leakyRelu', alpha: 0.3 }),
  mm('prelu + bias n=8', [t(5, 7), t(7, 8), t(8), t(8)], { activation: 'prelu' }),
  mm('prelu n=5', [t(5, 7), t(7, 5), null, t(5)], { activation: 'prelu' }),
  mm('prelu m=1', [t(1, 16), t(16, 8), t(8), t(8)], { activation: 'prelu' }),
  mm('m=1 transposeB sigmoid + bias', [t(1, 32), t(12, 32), t(12)], { transposeB: true, activation: 'sigmoid' }),
  // dense(x, kernel, bias) is this op with a bias input.
  mm('dense [2,4,6] x [6,10] + bias, relu', [t(2, 4, 6), t(6, 10), t(10)], { activation: 'relu' }),
  mm('dense batch-1 [1,64] x [64,32] + bias', [t(1, 64), t(64, 32), t(32)]),
  mm('dense NHWC [1,5,6,16] x [16,8] + bias', [t(1, 5, 6, 16), t(16, 8), t(8)]),
];

const bad = (name: string, inputs: (InputSpec | null)[], attrs: object, message: RegExp): BadCase => ({
  op: 'matmul',
  name,
  inputs,
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const matmulBadCases: BadCase[] = [
  bad('a rank 1', [t(3), t(3, 2)], {}, /matmul: a must have rank >= 2, got rank 1 \[3\]/),
  bad('b rank 1', [t(2, 3), t(3)], {}, /matmul: b must have rank >= 2/),
  bad('inner dims mismatch', [t(2, 3), t(4, 5)], {}, /inner dimensions do not match: a \[2, 3\] has k=3, b \[4, 5\] has k=4/),
  bad('inner dims mismatch transposed', [t(2, 3), t(4, 5)], { transposeB: true }, /b \[4, 5\] \(transposed\) has k=5/),
  bad('batch dims do not broadcast', [t(2, 4, 3), t(5, 3, 6)], {}, /batch dims of a \[2, 4, 3\] and b \[5, 3, 6\] do not broadcast/),
  bad('bias length', [t(2, 3), t(3, 4), t(5)], {}, /bias \[5\] must hold n=4 values/),
  bad('prelu without alpha', [t(2, 3), t(3, 4)], { activation: 'prelu' }, /needs a preluAlpha/),
  bad('prelu alpha length', [t(2, 3), t(3, 4), null, t(3)], { activation: 'prelu' }, /one per channel/),
  bad('unknown option', [t(2, 3), t(3, 4)], { transpose_b: true }, /unknown option 'transpose_b'/),
  bad('non-boolean transpose', [t(2, 3), t(3, 4)], { transposeA: 1 }, /transposeA must be a boolean/),
  bad('NaN alpha', [t(2, 3), t(3, 4)], { activation: 'leakyRelu', alpha: NaN }, /alpha must be a number/),
  bad('unknown activation', [t(2, 3), t(3, 4)], { activation: 'gelu' }, /activation must be one of/),
];
