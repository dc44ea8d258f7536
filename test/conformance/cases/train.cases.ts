// Training ops whose outputs the harness can compare: softmax cross-entropy (loss, accuracy, gradient) and the
// squared norm behind clipping. The in-place optimiser steps (adamUpdate, sgdUpdate) are checked by
// test/nn/train-ops.test.ts (their one output is a placeholder); their typed errors are here.
import type { BadCase, InputSpec, OpCase } from '../types.js';

const t = (shape: number[], seed: number, range: [number, number] = [-1, 1]): InputSpec => ({ shape, seed, range });

function oneHot(rows: number, C: number, seed: number): number[] {
  const out = new Array<number>(rows * C).fill(0);
  for (let r = 0; r < rows; r++) out[r * C + ((r * 7 + seed) % C)] = 1;
  return out;
}

function probs(rows: number, C: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < C; c++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      row.push(0.05 + (s / 2147483648) * 2);
    }
    const sum = row.reduce((a, b) => a + b, 0);
    out.push(...row.map((v) => v / sum));
  }
  return out;
}

const ce = (name: string, rows: number, C: number, attrs: object = {}, acc = false): OpCase => ({
  op: 'softmaxCrossEntropy',
  name,
  inputs: [{ shape: [rows, C], data: probs(rows, C, rows + C) }, { shape: [rows, C], data: oneHot(rows, C, C) }, acc ? { shape: [2], data: [1.5, 2] } : null],
  attrs,
});

export const trainCases: OpCase[] = [
  {
    op: 'softmaxCrossEntropy',
    name: 'hand-computed two rows',
    inputs: [{ shape: [2, 2], data: [0.25, 0.75, 0.625, 0.375] }, { shape: [2, 2], data: [0, 1, 0, 1] }, null],
    attrs: {},
    expected: [[0.125, -0.125, 0.3125, -0.3125], [-Math.log(0.75) - Math.log(0.375), 1]],
  },
  ce('batch 32, 5 classes', 32, 5),
  ce('batch 1, 1000 classes, scale 1', 1, 1000, { scale: 1 }),
  ce('batch 200 (rows strided over the workgroup), 3 classes', 200, 3),
  ce('accumulates into acc', 17, 4, {}, true),
  { op: 'sumSquares', name: 'hand-computed', inputs: [{ shape: [3], data: [1, 2, 3] }, null], attrs: {}, expected: [[14]] },
  { op: 'sumSquares', name: '32768 values', inputs: [t([128, 256], 1), null], attrs: {} },
  { op: 'sumSquares', name: '7 values with acc', inputs: [t([7], 2), { shape: [1], data: [0.5] }], attrs: {} },
];

const bad = (op: string, name: string, inputs: (InputSpec | null)[], attrs: object, message: RegExp): BadCase => ({ op, name, inputs, attrs, error: 'InvalidArgumentError', message });
const p4 = t([4], 1);

export const trainBadCases: BadCase[] = [
  bad('softmaxCrossEntropy', 'labels shape', [t([2, 3], 1), t([2, 4], 2)], {}, /softmaxCrossEntropy: labels must match probs \[2, 3\], got \[2, 4\]/),
  bad('softmaxCrossEntropy', 'rank 1 probs', [t([3], 1), t([3], 2)], {}, /probs must have rank >= 2/),
  bad('softmaxCrossEntropy', 'NaN scale', [t([2, 3], 1), t([2, 3], 2)], { scale: NaN }, /scale must be a number/),
  bad('softmaxCrossEntropy', 'unknown option', [t([2, 3], 1), t([2, 3], 2)], { fromLogits: true }, /unknown option 'fromLogits'/),
  bad('adamUpdate', 'gradient shape', [p4, t([5], 2), p4, p4], { step: 1 }, /adamUpdate: gradient \[5\] must match the parameter \[4\]/),
  bad('adamUpdate', 'missing v', [p4, p4, p4], { step: 1 }, /needs the v slot/),
  bad('adamUpdate', 'step 0', [p4, p4, p4, p4], { step: 0 }, /step must be >= 1/),
  bad('adamUpdate', 'beta1 1', [p4, p4, p4, p4], { step: 1, beta1: 1 }, /beta1 must be in \[0, 1\)/),
  bad('adamUpdate', 'clipNorm without normSq', [p4, p4, p4, p4], { step: 1, clipNorm: 1 }, /clipNorm needs the normSq input/),
  bad('adamUpdate', 'NaN learning rate', [p4, p4, p4, p4], { step: 1, learningRate: NaN }, /learningRate must be a number/),
  bad('sgdUpdate', 'momentum without velocity', [p4, p4], { momentum: 0.9 }, /sgdUpdate: needs the velocity slot/),
  bad('sgdUpdate', 'unknown option', [p4, p4], { decay: 0.1 }, /unknown option 'decay'/),
  bad('sumSquares', 'acc of 2', [p4, t([2], 3)], {}, /sumSquares: acc must hold one value/),
];

const steps = (rows: number, F: number, maskedRows: number[], value = 0): number[] => {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) for (let f = 0; f < F; f++) out.push(maskedRows.includes(r) ? value : ((r * 31 + f * 7) % 13) / 7 - 0.9);
  return out;
};

export const sequenceMaskCases: OpCase[] = [
  {
    op: 'sequenceMask',
    name: 'hand-computed [1,3,2]: middle step masked',
    inputs: [{ shape: [1, 3, 2], data: [1, 0, 0, 0, 0, 2] }],
    attrs: {},
    expected: [[1, 0, 0, 0, 0, 2], [1, 0, 1]],
  },
  { op: 'sequenceMask', name: 'maskValue -1, [4,10,128]', inputs: [{ shape: [4, 10, 128], data: steps(40, 128, [3, 9, 17, 39], -1) }], attrs: { maskValue: -1 } },
  { op: 'sequenceMask', name: '3 features (no full vector), [5,7,3]', inputs: [{ shape: [5, 7, 3], data: steps(35, 3, [0, 6, 34]) }], attrs: {} },
  { op: 'sequenceMask', name: 'partly equal steps are kept [2,3,9]', inputs: [{ shape: [2, 3, 9], data: steps(6, 9, [1]).map((v, i) => (i % 9 < 8 && i >= 18 && i < 27 ? 0 : v)) }], attrs: {} },
];

export const sequenceMaskBadCases: BadCase[] = [
  bad('sequenceMask', 'rank 1', [t([4], 1)], {}, /sequenceMask: x must have rank >= 2/),
  bad('sequenceMask', 'NaN maskValue', [t([2, 3], 1)], { maskValue: NaN }, /maskValue must be a number/),
];
