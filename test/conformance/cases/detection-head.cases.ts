import type { BadCase, InputSpec, OpCase } from '../types.js';

const f = Math.fround;
const sig = (v: number) => 1 / (1 + Math.exp(-f(v)));
const LN3 = f(Math.log(3));
const LN4 = f(Math.log(4));

/** Seeded grid [n, s, s, a * (5 + c)] in [-4, 4] (exp(4) * anchor stays well inside f32). */
const grid = (n: number, s: number, a: number, c: number, seed: number): InputSpec => ({ shape: [n, s, s, a * (5 + c)], range: [-4, 4], seed });
const anchorsOf = (a: number): [number, number][] => Array.from({ length: a }, (_, i) => [0.5 + 1.37 * i, 0.75 + 1.91 * i]);
const FACE_ANCHORS: [number, number][] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];

const seeded: OpCase[] = [];
let seed = 7100;
for (const s of [5, 11, 13, 19]) {
  for (const a of [3, 5]) {
    for (const c of [0, 1, 4]) {
      const classActivation = (['softmax', 'sigmoid', 'none'] as const)[(s + a + c) % 3];
      seeded.push({
        op: 'detectionHead',
        name: `${s}x${s} grid, ${a} anchors, ${c} classes (${classActivation})`,
        inputs: [grid(1, s, a, c, seed++)],
        attrs: { anchors: anchorsOf(a), classes: c, classActivation },
      });
    }
  }
}

export const detectionHeadCases: OpCase[] = [
  {
    op: 'detectionHead',
    name: 'hand-computed 1x1 grid, zeros: centred box of anchor size, objectness 0.5',
    inputs: [{ shape: [1, 1, 1, 5], data: [0, 0, 0, 0, 0] }],
    attrs: { anchors: [[2, 3]], classes: 0 },
    expected: [[-0.5, -1, 1.5, 2, 0.5]],
  },
  {
    op: 'detectionHead',
    name: 'hand-computed 2x2 grid: cell offsets, exp sizes, row-major cells',
    inputs: [
      {
        shape: [1, 2, 2, 5],
        // cells (row, col): (0,0) zeros; (0,1) tw = ln 2, to = ln 3; (1,0) tx = ln 3, ty = -ln 3, th = ln 4; (1,1) zeros
        data: [0, 0, 0, 0, 0, 0, 0, f(Math.log(2)), 0, LN3, LN3, -LN3, 0, LN4, 0, 0, 0, 0, 0, 0],
      },
    ],
    attrs: { anchors: [[1, 1]], classes: 0 },
    expected: [
      [
        ...[0, 0, 0.5, 0.5, 0.5],
        // col 1: cx = (1 + 0.5) / 2, w = e^ln2 / 2
        ...(() => {
          const w = Math.exp(f(Math.log(2))) / 2;
          return [0.75 - w / 2, 0, 0.75 - w / 2 + w, 0.5, sig(LN3)];
        })(),
        // row 1: cx = sig(ln 3) / 2, cy = (1 + sig(-ln 3)) / 2, h = e^ln4 / 2
        ...(() => {
          const cx = sig(LN3) / 2;
          const cy = (1 + sig(-LN3)) / 2;
          const h = Math.exp(LN4) / 2;
          return [cx - 0.25, cy - h / 2, cx - 0.25 + 0.5, cy - h / 2 + h, 0.5];
        })(),
        ...[0.5, 0.5, 1, 1, 0.5],
      ],
    ],
  },
  {
    op: 'detectionHead',
    name: 'hand-computed 2 anchors, 2 classes softmax and sigmoid',
    inputs: [{ shape: [1, 1, 1, 14], data: [0, 0, 0, 0, 0, 0, LN3, 0, 0, 0, 0, 0, LN3, LN3] }],
    attrs: { anchors: [[1, 1], [4, 2]], classes: 2 },
    expected: [
      [
        ...[0, 0, 1, 1, 0.5, 1 / (1 + Math.exp(LN3)), Math.exp(LN3) / (1 + Math.exp(LN3))],
        ...[-1.5, -0.5, 2.5, 1.5, 0.5, 0.5, 0.5],
      ],
    ],
  },
  {
    op: 'detectionHead',
    name: 'hand-computed sigmoid and raw classes',
    inputs: [{ shape: [1, 1, 1, 7], data: [0, 0, 0, 0, 0, 0, LN3] }],
    attrs: { anchors: [[1, 1]], classes: 2, classActivation: 'sigmoid' },
    expected: [[0, 0, 1, 1, 0.5, 0.5, sig(LN3)]],
  },
  {
    op: 'detectionHead',
    name: 'hand-computed raw classes pass through',
    inputs: [{ shape: [1, 1, 1, 7], data: [0, 0, 0, 0, 0, 0.25, -3] }],
    attrs: { anchors: [[1, 1]], classes: 2, classActivation: 'none' },
    expected: [[0, 0, 1, 1, 0.5, 0.25, -3]],
  },
  {
    op: 'detectionHead',
    name: 'TinyFaceDetector head: 13x13, face-api anchors, batch 2',
    inputs: [grid(2, 13, 5, 0, 7001)],
    attrs: { anchors: FACE_ANCHORS, classes: 0 },
  },
  {
    op: 'detectionHead',
    name: 'non-square 4x7 grid, 3 anchors, 80 classes softmax',
    inputs: [{ shape: [1, 4, 7, 3 * 85], range: [-4, 4], seed: 7002 }],
    attrs: { anchors: anchorsOf(3), classes: 80 },
  },
  {
    op: 'detectionHead',
    name: 'seed design: 3 anchors, 4+1+3 outputs, 5x5 / 11x11 / 19x19 grids (19x19, 6 classes sigmoid)',
    inputs: [grid(1, 19, 3, 6, 7003)],
    attrs: { anchors: anchorsOf(3), classes: 6, classActivation: 'sigmoid' },
  },
  ...seeded,
];

const bad = (name: string, shape: number[], attrs: unknown, message: RegExp): BadCase => ({
  op: 'detectionHead',
  name,
  inputs: [{ shape }],
  attrs,
  error: 'InvalidArgumentError',
  message,
});
const A1 = [[1, 1]];

export const detectionHeadBadCases: BadCase[] = [
  bad('rank 3 input', [13, 13, 5], { anchors: A1, classes: 0 }, /detectionHead: input grid \(NHWC\): expected rank 4, got rank 3/),
  bad('channels do not match anchors x (5 + classes)', [1, 13, 13, 25], { anchors: A1, classes: 1 }, /has 25 channels but 1 anchors x \(5 \+ 1 classes\) need 6/),
  bad('no anchors', [1, 2, 2, 5], { anchors: [], classes: 0 }, /detectionHead: anchors must be a non-empty array/),
  bad('anchor not a pair', [1, 2, 2, 5], { anchors: [[1, 2, 3]], classes: 0 }, /anchors\[0\] must be \[w, h\]/),
  bad('negative anchor', [1, 2, 2, 5], { anchors: [[1, -2]], classes: 0 }, /anchors\[0\]\[1\] must be a finite number > 0, got -2/),
  bad('NaN anchor', [1, 2, 2, 5], { anchors: [[NaN, 2]], classes: 0 }, /anchors\[0\]\[0\] must be a finite number > 0, got NaN/),
  bad('negative classes', [1, 2, 2, 5], { anchors: A1, classes: -1 }, /classes must be >= 0, got -1/),
  bad('fractional classes', [1, 2, 2, 5], { anchors: A1, classes: 0.5 }, /classes must be an integer/),
  bad('missing classes', [1, 2, 2, 5], { anchors: A1 }, /classes must be a number/),
  bad('unknown box encoding', [1, 2, 2, 5], { anchors: A1, classes: 0, boxEncoding: 'yolo3' }, /boxEncoding must be one of yolo2/),
  bad('unknown class activation', [1, 2, 2, 6], { anchors: A1, classes: 1, classActivation: 'relu' }, /classActivation must be one of softmax, sigmoid, none/),
  bad('unknown option', [1, 2, 2, 5], { anchors: A1, classes: 0, nms: true }, /detectionHead: unknown option 'nms'/),
];
