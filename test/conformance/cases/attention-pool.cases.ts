import type { BadCase, InputSpec, OpCase } from '../types.js';

const t = (shape: number[], seed: number, range?: [number, number]): InputSpec => ({ shape, seed, ...(range ? { range } : {}) });
/** A [B, T] mask whose row b keeps its first lengths[b] steps (0 = padding). */
const lengths = (T: number, ls: number[]): InputSpec => ({ shape: [ls.length, T], data: ls.flatMap((l) => Array.from({ length: T }, (_, i) => (i < l ? 1 : 0))) });

const pool = (name: string, B: number, T: number, D: number, mask?: number[], attrs: object = {}): OpCase => ({
  op: 'attentionPool',
  name,
  inputs: [t([B, T], B * 7 + T, [-3, 3]), t([B, T, D], D + 1), mask ? lengths(T, mask) : null],
  attrs,
});

// Gradient inputs: weights on the simplex, out / norm consistent with the forward for one row set.
const grad = (name: string, B: number, T: number, D: number, attrs: object = {}): OpCase => ({
  op: 'attentionPoolGrad',
  name,
  inputs: [t([B, T], 3, [0, 0.5]), t([B, T, D], 4), t([B, D], 5), t([B], 6, [0.5, 2]), t([B, D], 7)],
  attrs,
});

export const attentionPoolCases: OpCase[] = [
  {
    op: 'attentionPool',
    name: 'hand-computed: equal scores average, a score 50 lower weighs ~0, normalised',
    // Row 0: scores [0, 0, -50], values [1,0], [0,1], [9,9] -> w = [0.5, 0.5, ~2e-22], p = [0.5, 0.5].
    // Row 1: scores [3, 3, 3], values [2,0], [2,0], [0,2] -> w = 1/3 each, p = [4/3, 2/3], ||p|| = sqrt(20) / 3.
    inputs: [{ shape: [2, 3], data: [0, 0, -50, 3, 3, 3] }, { shape: [2, 3, 2], data: [1, 0, 0, 1, 9, 9, 2, 0, 2, 0, 0, 2] }, null],
    attrs: {},
    expected: [
      [Math.SQRT1_2, Math.SQRT1_2, 2 / Math.sqrt(5), 1 / Math.sqrt(5)],
      [0.5, 0.5, Math.exp(-50) / (2 + Math.exp(-50)), 1 / 3, 1 / 3, 1 / 3],
      [Math.SQRT1_2, Math.sqrt(20) / 3],
    ],
  },
  {
    op: 'attentionPool',
    name: 'hand-computed: a masked step gets weight 0 whatever its score; all-masked row is 0',
    inputs: [{ shape: [2, 3], data: [0, 0, 50, 1, 2, 3] }, { shape: [2, 3, 1], data: [2, 4, 100, 1, 1, 1] }, { shape: [2, 3], data: [1, 1, 0, 0, 0, 0] }],
    attrs: { normalize: false },
    expected: [[3, 0], [0.5, 0.5, 0, 0, 0, 0], [3, 0]],
  },
  pool('tracks [4, 32, 128]', 4, 32, 128),
  pool('padded tracks [5, 32, 128]', 5, 32, 128, [32, 8, 1, 20, 31]),
  pool('odd dim [3, 7, 13] (no vec4 path), masked', 3, 7, 13, [7, 3, 5]),
  pool('one step [2, 1, 128], unnormalised', 2, 1, 128, undefined, { normalize: false }),
  pool('many rows [130, 9, 16] (two workgroups)', 130, 9, 16),
  { op: 'attentionPool', name: 'scores [3, 5, 1] (a Dense per step), masked', inputs: [t([3, 5, 1], 8), t([3, 5, 12], 9), lengths(5, [5, 2, 4])], attrs: {} },
  { op: 'attentionPool', name: 'one step with values [4, 128] (normalise only)', inputs: [t([4, 1], 8), t([4, 128], 9), null], attrs: {} },
  {
    op: 'attentionPoolGrad',
    name: 'hand-computed: unnormalised, two steps',
    // w = [0.75, 0.25], v = [2,0], [0,2], p = out = [1.5, 0.5], dOut = [1, 0]: dp = dOut, p.dp = 1.5,
    // dScores = [0.75 (2 - 1.5), 0.25 (0 - 1.5)] = [0.375, -0.375], dValues = w_t dOut.
    inputs: [{ shape: [1, 2], data: [0.75, 0.25] }, { shape: [1, 2, 2], data: [2, 0, 0, 2] }, { shape: [1, 2], data: [1.5, 0.5] }, { shape: [1], data: [Math.sqrt(2.5)] }, { shape: [1, 2], data: [1, 0] }],
    attrs: { normalize: false },
    expected: [[0.375, -0.375], [0.75, 0, 0.25, 0]],
  },
  grad('tracks [4, 32, 128]', 4, 32, 128),
  grad('odd dim [3, 5, 13]', 3, 5, 13),
  grad('unnormalised [2, 6, 8]', 2, 6, 8, { normalize: false }),
  grad('many rows [70, 4, 12]', 70, 4, 12),
  { op: 'attentionPoolGrad', name: 'weights [2, 3, 1], values [2, 3, 8]', inputs: [t([2, 3, 1], 3, [0, 0.5]), t([2, 3, 8], 4), t([2, 8], 5), t([2], 6, [0.5, 2]), t([2, 8], 7)], attrs: {} },
  { op: 'attentionPoolGrad', name: 'one step, values [3, 16]', inputs: [{ shape: [3, 1], data: [1, 1, 1] }, t([3, 16], 4), t([3, 16], 5), t([3], 6, [0.5, 2]), t([3, 16], 7)], attrs: {} },
];

const bad = (op: string, name: string, inputs: (InputSpec | null)[], attrs: object, message: RegExp): BadCase => ({ op, name, inputs, attrs, error: 'InvalidArgumentError', message });

export const attentionPoolBadCases: BadCase[] = [
  bad('attentionPool', 'values of another length', [t([2, 3], 1), t([2, 4, 8], 2), null], {}, /attentionPool: values must be \[2, 3, dim\] to match scores \[2, 3\], got \[2, 4, 8\]/),
  bad('attentionPool', 'rank-2 values need one step', [t([2, 3], 1), t([2, 8], 2), null], {}, /values must be \[2, 3, dim\] to match scores \[2, 3\], got \[2, 8\]/),
  bad('attentionPool', 'rank 3 scores', [t([2, 3, 2], 1), t([2, 3, 8], 2), null], {}, /scores must be \[batch, steps\] or \[batch, steps, 1\], got \[2, 3, 2\]/),
  bad('attentionPool', 'mask shape', [t([2, 3], 1), t([2, 3, 8], 2), t([2, 4], 3)], {}, /mask must be \[2, 3\] to match scores \[2, 3\], got \[2, 4\]/),
  bad('attentionPool', 'normalize not boolean', [t([2, 3], 1), t([2, 3, 8], 2), null], { normalize: 1 }, /normalize must be a boolean/),
  bad('attentionPool', 'unknown option', [t([2, 3], 1), t([2, 3, 8], 2), null], { axis: 1 }, /unknown option 'axis'/),
  bad('attentionPoolGrad', 'norm shape', [t([2, 3], 1), t([2, 3, 8], 2), t([2, 8], 3), t([3], 4), t([2, 8], 5)], {}, /attentionPoolGrad: norm must be \[2\], got \[3\]/),
  bad('attentionPoolGrad', 'dOut shape', [t([2, 3], 1), t([2, 3, 8], 2), t([2, 8], 3), t([2], 4), t([2, 7], 5)], {}, /dOut must be \[2, 8\], got \[2, 7\]/),
];
