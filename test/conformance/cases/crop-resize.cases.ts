import type { BadCase, OpCase } from '../types.js';

// Hand-computed on the 2x2 image [[1, 2], [3, 4]] = 1 + x + 2y (x, y pixel centres). A sample at (sy, sx) inside
// the image area is 1 + clamp(sx, 0, 1) + 2 clamp(sy, 0, 1); outside it is the fill value.
// Sampling: s = lo + (o + 0.5) (hi - lo) / out - 0.5 per axis (src/ops/crop-resize/spec.ts).
const TINY = { shape: [1, 2, 2, 1], data: [1, 2, 3, 4] };
const B = (...rows: number[][]) => ({ shape: [rows.length, 4], data: rows.flat() });
const v = (sy: number, sx: number) => 1 + Math.min(Math.max(sx, 0), 1) + 2 * Math.min(Math.max(sy, 0), 1);
const grid = (ys: number[], xs: number[]) => ys.flatMap((y) => xs.map((x) => v(y, x)));

const hand: OpCase[] = [
  // The whole image at its own size samples the pixel centres exactly.
  { op: 'cropAndResize', name: 'hand whole image 2x2 -> 2x2', inputs: [TINY, B([0, 0, 2, 2])], attrs: { size: [2, 2] }, expected: [[1, 2, 3, 4]] },
  // 2 -> 4: -0.25, 0.25, 0.75, 1.25 (clamped taps at the edges), as resize half_pixel.
  { op: 'cropAndResize', name: 'hand whole image 2x2 -> 4x4', inputs: [TINY, B([0, 0, 2, 2])], attrs: { size: [4, 4] }, expected: [grid([-0.25, 0.25, 0.75, 1.25], [-0.25, 0.25, 0.75, 1.25])] },
  // Centre sub-box (0.5, 0.5)-(1.5, 1.5) to 1x1: sample (0.5, 0.5) = 2.5.
  { op: 'cropAndResize', name: 'hand centre sub-box -> 1x1', inputs: [TINY, B([0.5, 0.5, 1.5, 1.5])], attrs: { size: [1, 1] }, expected: [[2.5]] },
  // Box reaching one pixel past the left border: columns sample -1 (outside: fill) and 0; rows 0 and 1.
  { op: 'cropAndResize', name: 'hand box past the left border, zero fill', inputs: [TINY, B([-1, 0, 1, 2])], attrs: { size: [2, 2] }, expected: [[0, 1, 0, 3]] },
  { op: 'cropAndResize', name: 'hand box past the left border, fill 9', inputs: [TINY, B([-1, 0, 1, 2])], attrs: { size: [2, 2], extrapolationValue: 9 }, expected: [[9, 1, 9, 3]] },
  // Box past the bottom-right corner: rows sample 1, 2 (2 > 1.5: outside); columns 1, 2.
  { op: 'cropAndResize', name: 'hand box past the bottom-right corner', inputs: [TINY, B([1, 1, 3, 3])], attrs: { size: [2, 2], extrapolationValue: -1 }, expected: [[4, -1, -1, -1]] },
  // A sample exactly on the image border (-0.5) is inside (clamped tap): columns -0.5, 0.5; row 0.5.
  { op: 'cropAndResize', name: 'hand sample on the border is inside', inputs: [TINY, B([-0.5, 0, 1.5, 2])], attrs: { size: [1, 2] }, expected: [grid([0.5], [-0.5, 0.5])] },
  // A flipped box (x1 < x0, y1 < y0) mirrors the crop: samples 1, 0 on both axes.
  { op: 'cropAndResize', name: 'hand flipped box mirrors', inputs: [TINY, B([2, 2, 0, 0])], attrs: { size: [2, 2] }, expected: [[4, 3, 2, 1]] },
  // A box wholly outside the image is all fill.
  { op: 'cropAndResize', name: 'hand box outside the image', inputs: [TINY, B([5, 5, 7, 7])], attrs: { size: [2, 1], extrapolationValue: 3 }, expected: [[3, 3]] },
  // Two boxes in one call, one output block each.
  { op: 'cropAndResize', name: 'hand two boxes', inputs: [TINY, B([0, 0, 2, 2], [0.5, 0.5, 1.5, 1.5])], attrs: { size: [1, 1] }, expected: [[2.5, 2.5]] },
];

// Boxes inside, across each border, larger than the image, thin, flipped and fractional (none samples within
// f32 rounding of the image border, where inside / outside could differ between f32 kernels and the f64 reference).
const MIXED = [
  [1, 1, 9, 7],
  [-3.3, 2.1, 6.7, 11.9],
  [10.2, -4.1, 19.6, 5.3],
  [-6.1, -5.3, 23.7, 18.9],
  [3.25, 6.5, 3.75, 12.5],
  [15.1, 12.2, 2.4, 0.7],
  [0, 0, 17, 13],
];
const X = (shape: number[], seed: number, range?: [number, number]) => ({ shape, seed, ...(range ? { range } : {}) });

/** k boxes spread over a w x h image, some crossing its borders (as MTCNN's candidate boxes do). */
function spread(k: number, w: number, h: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < k; i++) {
    const side = 6 + ((i * 7) % 29) + 0.37 * (i % 3);
    const cx = ((i * 37) % (w + 10)) - 5 + 0.21;
    const cy = ((i * 53) % (h + 10)) - 5 + 0.43;
    rows.push([cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2]);
  }
  return rows;
}

const seeded: OpCase[] = [
  { op: 'cropAndResize', name: '13x17x3 image, 7 mixed boxes -> 5x7 (3 channels: spill path)', inputs: [X([1, 13, 17, 3], 1), B(...MIXED)], attrs: { size: [5, 7] } },
  { op: 'cropAndResize', name: '13x17x4 image, 7 mixed boxes -> 6x4 (vec4 path), fill 0.5', inputs: [X([1, 13, 17, 4], 2), B(...MIXED)], attrs: { size: [6, 4], extrapolationValue: 0.5 } },
  { op: 'cropAndResize', name: '13x17x8 image, 7 mixed boxes -> 3x9', inputs: [X([1, 13, 17, 8], 3), B(...MIXED)], attrs: { size: [3, 9] } },
  { op: 'cropAndResize', name: '13x17x1 image, 7 mixed boxes -> 4x4', inputs: [X([1, 13, 17, 1], 4), B(...MIXED)], attrs: { size: [4, 4] } },
  { op: 'cropAndResize', name: '13x17x5 image (4 + spill), 7 mixed boxes -> 5x5', inputs: [X([1, 13, 17, 5], 5), B(...MIXED)], attrs: { size: [5, 5] } },
  { op: 'cropAndResize', name: '13x17x6 image, 7 mixed boxes -> 2x3', inputs: [X([1, 13, 17, 6], 6), B(...MIXED)], attrs: { size: [2, 3] } },
  { op: 'cropAndResize', name: 'upscale: 2 small boxes -> 16x16', inputs: [X([1, 13, 17, 3], 7), B([2.2, 3.1, 5.9, 6.3], [8, 1, 12, 4])], attrs: { size: [16, 16] } },
  {
    op: 'cropAndResize',
    name: 'MTCNN R-Net crops: 60x80x4 image, 40 boxes -> 24x24',
    inputs: [X([1, 60, 80, 4], 8), B(...spread(40, 80, 60))],
    attrs: { size: [24, 24] },
  },
  {
    op: 'cropAndResize',
    name: 'MTCNN O-Net crops: 60x80x3 image, 12 boxes -> 48x48',
    inputs: [X([1, 60, 80, 3], 9), B(...spread(12, 80, 60))],
    attrs: { size: [48, 48] },
  },
  { op: 'cropAndResize', name: 'no boxes', inputs: [X([1, 5, 5, 3], 10), { shape: [0, 4], data: [] }], attrs: { size: [4, 4] } },
  { op: 'cropAndResize', name: '1x1 image', inputs: [X([1, 1, 1, 4], 11), B([0, 0, 1, 1], [-0.2, -0.3, 0.8, 0.9])], attrs: { size: [3, 2] } },
];

export const cropAndResizeCases: OpCase[] = [...hand, ...seeded];

const IMG = { shape: [1, 4, 4, 3] };
const BOXES = { shape: [2, 4] };
const bad = (name: string, attrs: unknown, message: RegExp, img: object = IMG, boxes: object | null = BOXES): BadCase => ({
  op: 'cropAndResize',
  name,
  inputs: [img as { shape: number[] }, boxes as { shape: number[] } | null],
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const cropAndResizeBadCases: BadCase[] = [
  bad('rank 3 image', { size: [2, 2] }, /cropAndResize: image \(NHWC\): expected rank 4/, { shape: [4, 4, 3] }),
  bad('batch of 2 images', { size: [2, 2] }, /cropAndResize: image \[2, 4, 4, 3\] must hold one image \(batch 1\)/, { shape: [2, 4, 4, 3] }),
  bad('empty image', { size: [2, 2] }, /cropAndResize: image \[1, 0, 4, 3\] is empty/, { shape: [1, 0, 4, 3] }),
  bad('boxes rank 1', { size: [2, 2] }, /cropAndResize: boxes: expected rank 2/, IMG, { shape: [4] }),
  bad('boxes of 5 values', { size: [2, 2] }, /cropAndResize: boxes \[2, 5\] must be \[k, 4\]/, IMG, { shape: [2, 5] }),
  bad('missing boxes', { size: [2, 2] }, /cropAndResize: needs an image \[1, H, W, C\] and boxes \[k, 4\]/, IMG, null),
  bad('missing size', {}, /cropAndResize: size must be \[outH, outW\]/),
  bad('size of one value', { size: [2] }, /cropAndResize: size must be \[outH, outW\]/),
  bad('zero output size', { size: [0, 2] }, /cropAndResize: size\[0\] must be >= 1/),
  bad('fractional output size', { size: [2, 2.5] }, /cropAndResize: size\[1\] must be an integer/),
  bad('NaN output size', { size: [NaN, 2] }, /cropAndResize: size\[0\] must be a number/),
  bad('NaN fill', { size: [2, 2], extrapolationValue: NaN }, /cropAndResize: extrapolationValue must be a number/),
  bad('infinite fill', { size: [2, 2], extrapolationValue: Infinity }, /cropAndResize: extrapolationValue must be finite/),
  bad('unknown option', { size: [2, 2], method: 'nearest' }, /cropAndResize: unknown option 'method'/),
  bad('attrs not an object', null, /cropAndResize: attrs must be an object/),
];
