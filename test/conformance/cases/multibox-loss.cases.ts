// MultiBox loss + gradient: a hand-computed batch of one cell (positive, negative, ignored slots), then seeded
// heads with targets from encodeMultiboxTargets (so the encoder's output drives the kernel as in training).
import { encodeMultiboxTargets, type MultiboxBox } from '../../../src/ops/multibox-loss/encode.js';
import { seededUniform } from '../../support/random.js';
import type { BadCase, InputSpec, OpCase } from '../types.js';

let seed = 9800;
const rnd = (shape: number[], range: [number, number] = [-2, 2]): InputSpec => ({ shape, seed: seed++, range });

/** Seeded boxes per image (centres spread over the image, sizes 0.05..0.6), classes < c. */
function boxes(n: number, perImage: number, c: number, s: number): MultiboxBox[][] {
  const u = seededUniform(s, n * perImage * 5, 0, 1);
  return Array.from({ length: n }, (_, b) =>
    Array.from({ length: perImage }, (_, i) => {
      const o = (b * perImage + i) * 5;
      const w = 0.05 + 0.55 * u[o + 2]!;
      const h = 0.05 + 0.55 * u[o + 3]!;
      return { x: u[o]! - w / 2, y: u[o + 1]! - h / 2, w, h, classIndex: Math.min(c - 1, Math.floor(u[o + 4]! * c)) };
    }),
  );
}

function head(name: string, n: number, S: number, anchors: [number, number][], C: number, perImage: number, attrs: object = {}): OpCase {
  const A = anchors.length;
  const targets = encodeMultiboxTargets({ boxes: boxes(n, perImage, Math.max(1, C), seed++), grid: S, anchors, numClasses: C });
  return { op: 'multiboxLoss', name, inputs: [rnd([n, S, S, A * (5 + C)]), { shape: [n, S, S, A, 6], data: [...targets] }], attrs };
}

const ANCHORS5: [number, number][] = [[0.08, 0.1], [0.2, 0.25], [0.35, 0.3], [0.5, 0.6], [0.8, 0.75]];

export const multiboxLossCases: OpCase[] = [
  {
    // One cell, three anchors, 2 classes. Slot 0 positive: sigmoid(0) = 0.5 hits tx*, ty*; tw off by -2 (smoothL1
    // 1.5, grad -1), th off by -0.25 (0.03125, grad -0.25), times lambdaBox 2; obj ln 2, grad -0.5; class 0 of
    // logits (1, 0): log(e + 1) - 1, grad softmax - onehot. Slot 1 negative, to = 2: 0.5 softplus(2), grad
    // 0.5 sigmoid(2). Slot 2 ignored: nothing.
    op: 'multiboxLoss',
    name: 'hand-computed positive / negative / ignored',
    inputs: [
      { shape: [1, 1, 1, 21], data: [0, 0, 0, 0, 0, 1, 0, 5, 5, 5, 5, 2, 5, 5, 3, 3, 3, 3, 3, 3, 3] },
      { shape: [1, 1, 1, 3, 6], data: [1, 0.5, 0.5, 2, 0.25, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0] },
    ],
    attrs: { lambdaNoObj: 0.5, lambdaBox: 2 },
    expected: [
      [5.132372873599654, 1.7566111860814315, 3.0625, 0.3132616875182228],
      [0, 0, -2, -0.5, -0.5, -0.2689414213699951, 0.2689414213699951, 0, 0, 0, 0, 0.44039853898894116, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ],
  },
  head('batch 2, 5x5 grid, 3 anchors, 4 classes', 2, 5, ANCHORS5.slice(1, 4), 4, 6),
  head('batch 4, 13x13, 5 anchors, 20 classes (VOC-like), YOLO lambdas', 4, 13, ANCHORS5, 20, 8, { lambdaBox: 5, lambdaNoObj: 0.5 }),
  head('one class (face detector), 7x7, 2 anchors', 3, 7, [[0.1, 0.12], [0.3, 0.36]], 1, 5),
  head('no classes, 4x4, 1 anchor', 2, 4, [[0.25, 0.25]], 0, 3),
];

const t = (shape: number[]): InputSpec => ({ shape, seed: 1 });
const bad = (name: string, inputs: InputSpec[], attrs: object, message: RegExp): BadCase => ({ op: 'multiboxLoss', name, inputs, attrs, error: 'InvalidArgumentError', message });

export const multiboxLossBadCases: BadCase[] = [
  bad('targets grid', [t([1, 5, 5, 14]), t([1, 4, 5, 2, 6])], {}, /multiboxLoss: targets \[1, 4, 5, 2, 6\] must match pred \[1, 5, 5, 14\]/),
  bad('channels', [t([1, 5, 5, 13]), t([1, 5, 5, 2, 6])], {}, /multiboxLoss: pred \[1, 5, 5, 13\] has 13 channels: not 2 anchors/),
  bad('target width', [t([1, 5, 5, 14]), t([1, 5, 5, 2, 5])], {}, /must end in 6 values per slot/),
  bad('negative lambda', [t([1, 5, 5, 14]), t([1, 5, 5, 2, 6])], { lambdaBox: -1 }, /lambdaBox must be a finite number >= 0/),
];
