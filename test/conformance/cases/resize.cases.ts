import type { BadCase, OpCase } from '../types.js';

// Hand-computed: the 2x2 image [[1, 2], [3, 4]] is 1 + x + 2y, so a bilinear sample at source coordinates
// (ty, tx) (after clamping to [0, 1]) is 1 + tx + 2 ty, and a nearest sample at indices (iy, ix) is 1 + ix + 2 iy.
const TINY = { shape: [1, 2, 2, 1], data: [1, 2, 3, 4] };
const grid2 = (ty: number[], tx: number[]) => [ty.flatMap((y) => tx.map((x) => 1 + x + 2 * y))];
// The 4x4 image 4y + x (0..15) for downscales: a sample at (ty, tx) is 4 ty + tx.
const RAMP = { shape: [1, 4, 4, 1], data: Array.from({ length: 16 }, (_, i) => i) };
const grid4 = (ty: number[], tx: number[]) => [ty.flatMap((y) => tx.map((x) => 4 * y + x))];

const up = (attrs: object) => ({ size: [4, 4], ...attrs });
const TRANSFORMS = ['half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel', 'tf_half_pixel_for_nn'] as const;
const NEAREST = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const;

const hand: OpCase[] = [
  // Upscale 2 -> 4. half_pixel: (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped 0, .25, .75, 1.
  { op: 'resize', name: 'hand bilinear half_pixel 2x2 -> 4x4', inputs: [TINY], attrs: up({}), expected: grid2([0, 0.25, 0.75, 1], [0, 0.25, 0.75, 1]) },
  { op: 'resize', name: 'hand bilinear pytorch_half_pixel 2x2 -> 4x4', inputs: [TINY], attrs: up({ coordinateTransform: 'pytorch_half_pixel' }), expected: grid2([0, 0.25, 0.75, 1], [0, 0.25, 0.75, 1]) },
  // align_corners: o * (2 - 1) / (4 - 1).
  { op: 'resize', name: 'hand bilinear align_corners 2x2 -> 4x4', inputs: [TINY], attrs: up({ coordinateTransform: 'align_corners' }), expected: grid2([0, 1 / 3, 2 / 3, 1], [0, 1 / 3, 2 / 3, 1]) },
  // asymmetric: o / 2 = 0, .5, 1, 1.5 -> clamped 1.
  { op: 'resize', name: 'hand bilinear asymmetric 2x2 -> 4x4', inputs: [TINY], attrs: up({ coordinateTransform: 'asymmetric' }), expected: grid2([0, 0.5, 1, 1], [0, 0.5, 1, 1]) },
  // tf_half_pixel_for_nn: (o + 0.5) / 2 = .25, .75, 1.25, 1.75 -> clamped 1.
  { op: 'resize', name: 'hand bilinear tf_half_pixel_for_nn 2x2 -> 4x4', inputs: [TINY], attrs: up({ coordinateTransform: 'tf_half_pixel_for_nn' }), expected: grid2([0.25, 0.75, 1, 1], [0.25, 0.75, 1, 1]) },
  // Non-square: rows half_pixel 2 -> 3: (o + .5) * 2 / 3 - .5 = -1/6, 1/2, 7/6; columns 2 -> 1: 0.5.
  { op: 'resize', name: 'hand bilinear half_pixel 2x2 -> 3x1', inputs: [TINY], attrs: { size: [3, 1] }, expected: grid2([0, 0.5, 1], [0.5]) },
  // Nearest, half_pixel: -0.25, 0.25, 0.75, 1.25 round to 0, 0, 1, 1 (clamped); floor gives -1 -> 0, 0, 0, 1.
  { op: 'resize', name: 'hand nearest half_pixel 2x2 -> 4x4', inputs: [TINY], attrs: up({ mode: 'nearest' }), expected: grid2([0, 0, 1, 1], [0, 0, 1, 1]) },
  { op: 'resize', name: 'hand nearest half_pixel floor', inputs: [TINY], attrs: up({ mode: 'nearest', nearestMode: 'floor' }), expected: grid2([0, 0, 0, 1], [0, 0, 0, 1]) },
  { op: 'resize', name: 'hand nearest half_pixel ceil', inputs: [TINY], attrs: up({ mode: 'nearest', nearestMode: 'ceil' }), expected: grid2([0, 1, 1, 1], [0, 1, 1, 1]) },
  // Nearest, asymmetric: 0, .5, 1, 1.5: ties go down (prefer_floor) or up (prefer_ceil, clamped to 1).
  { op: 'resize', name: 'hand nearest asymmetric prefer_floor', inputs: [TINY], attrs: up({ mode: 'nearest', coordinateTransform: 'asymmetric' }), expected: grid2([0, 0, 1, 1], [0, 0, 1, 1]) },
  { op: 'resize', name: 'hand nearest asymmetric prefer_ceil', inputs: [TINY], attrs: up({ mode: 'nearest', coordinateTransform: 'asymmetric', nearestMode: 'round_prefer_ceil' }), expected: grid2([0, 1, 1, 1], [0, 1, 1, 1]) },
  // Nearest, tf_half_pixel_for_nn: .25, .75, 1.25, 1.75 -> 0, 1, 1, 1 (2 clamped).
  { op: 'resize', name: 'hand nearest tf_half_pixel_for_nn', inputs: [TINY], attrs: up({ mode: 'nearest', coordinateTransform: 'tf_half_pixel_for_nn' }), expected: grid2([0, 1, 1, 1], [0, 1, 1, 1]) },
  // align_corners nearest: 0, 1/3, 2/3, 1 -> 0, 0, 1, 1.
  { op: 'resize', name: 'hand nearest align_corners', inputs: [TINY], attrs: up({ mode: 'nearest', coordinateTransform: 'align_corners' }), expected: grid2([0, 0, 1, 1], [0, 0, 1, 1]) },
  // scales given ([2, 2] like ONNX): same coordinates as sizes 4x4.
  { op: 'resize', name: 'hand bilinear half_pixel scales [2, 2]', inputs: [TINY], attrs: up({ scales: [2, 2] }), expected: grid2([0, 0.25, 0.75, 1], [0, 0.25, 0.75, 1]) },
  // scales that differ from out / in: 2 -> 3 with scale 2: -0.25, 0.25, 0.75 -> 0, .25, .75.
  { op: 'resize', name: 'hand bilinear scales [2, 2] to 3x3', inputs: [TINY], attrs: { size: [3, 3], scales: [2, 2] }, expected: grid2([0, 0.25, 0.75], [0, 0.25, 0.75]) },
  // Downscale 4 -> 2. half_pixel: (o + .5) * 2 - .5 = 0.5, 2.5.
  { op: 'resize', name: 'hand bilinear half_pixel 4x4 -> 2x2', inputs: [RAMP], attrs: { size: [2, 2] }, expected: grid4([0.5, 2.5], [0.5, 2.5]) },
  { op: 'resize', name: 'hand bilinear align_corners 4x4 -> 2x2', inputs: [RAMP], attrs: { size: [2, 2], coordinateTransform: 'align_corners' }, expected: grid4([0, 3], [0, 3]) },
  { op: 'resize', name: 'hand bilinear asymmetric 4x4 -> 2x2', inputs: [RAMP], attrs: { size: [2, 2], coordinateTransform: 'asymmetric' }, expected: grid4([0, 2], [0, 2]) },
  { op: 'resize', name: 'hand bilinear tf_half_pixel_for_nn 4x4 -> 2x2', inputs: [RAMP], attrs: { size: [2, 2], coordinateTransform: 'tf_half_pixel_for_nn' }, expected: grid4([1, 3], [1, 3]) },
  // 4 -> 3 half_pixel: (o + .5) * 4/3 - .5 = 1/6, 3/2, 17/6.
  { op: 'resize', name: 'hand bilinear half_pixel 4x4 -> 3x3', inputs: [RAMP], attrs: { size: [3, 3] }, expected: grid4([1 / 6, 1.5, 17 / 6], [1 / 6, 1.5, 17 / 6]) },
  // Nearest at exact ties 0.5 and 2.5: prefer_floor 0, 2; prefer_ceil 1, 3.
  { op: 'resize', name: 'hand nearest half_pixel 4x4 -> 2x2 ties prefer_floor', inputs: [RAMP], attrs: { size: [2, 2], mode: 'nearest' }, expected: grid4([0, 2], [0, 2]) },
  { op: 'resize', name: 'hand nearest half_pixel 4x4 -> 2x2 ties prefer_ceil', inputs: [RAMP], attrs: { size: [2, 2], mode: 'nearest', nearestMode: 'round_prefer_ceil' }, expected: grid4([1, 3], [1, 3]) },
  // 4 -> 3 half_pixel nearest: 1/6, 3/2, 17/6 -> prefer_floor 0, 1, 3; ceil 1, 2, 3.
  { op: 'resize', name: 'hand nearest half_pixel 4x4 -> 3x3 tie in the middle', inputs: [RAMP], attrs: { size: [3, 3], mode: 'nearest' }, expected: grid4([0, 1, 3], [0, 1, 3]) },
  { op: 'resize', name: 'hand nearest half_pixel 4x4 -> 3x3 ceil', inputs: [RAMP], attrs: { size: [3, 3], mode: 'nearest', nearestMode: 'ceil' }, expected: grid4([1, 2, 3], [1, 2, 3]) },
  // align_corners with output size 1 samples index 0.
  { op: 'resize', name: 'hand align_corners to 1x1', inputs: [RAMP], attrs: { size: [1, 1], coordinateTransform: 'align_corners' }, expected: [[0]] },
  // pytorch_half_pixel with output size 1 samples 0 too (half_pixel would sample the centre 1.5).
  { op: 'resize', name: 'hand pytorch_half_pixel to 1x1', inputs: [RAMP], attrs: { size: [1, 1], coordinateTransform: 'pytorch_half_pixel' }, expected: [[0]] },
  { op: 'resize', name: 'hand half_pixel to 1x1', inputs: [RAMP], attrs: { size: [1, 1] }, expected: grid4([1.5], [1.5]) },
];

const X = (shape: number[], seed: number) => ({ shape, seed });

const seeded: OpCase[] = [
  { op: 'resize', name: 'bilinear upscale x1.57 / x1.44, 3 channels', inputs: [X([1, 7, 9, 3], 1)], attrs: { size: [11, 13] } },
  { op: 'resize', name: 'bilinear downscale /2.6 / /1.57, 3 channels', inputs: [X([1, 13, 11, 3], 2)], attrs: { size: [5, 7] } },
  { op: 'resize', name: 'bilinear 8 channels batch 2 (vec4 path)', inputs: [X([2, 9, 10, 8], 3)], attrs: { size: [14, 6] } },
  { op: 'resize', name: 'nearest 8 channels batch 2 (vec4 path)', inputs: [X([2, 9, 10, 8], 4)], attrs: { size: [14, 6], mode: 'nearest' } },
  { op: 'resize', name: 'bilinear 1 channel', inputs: [X([2, 6, 5, 1], 5)], attrs: { size: [9, 11] } },
  { op: 'resize', name: 'bilinear 5 channels (4 + spill)', inputs: [X([2, 6, 5, 5], 6)], attrs: { size: [4, 8] } },
  { op: 'resize', name: 'nearest 6 channels (4 + spill)', inputs: [X([1, 6, 5, 6], 7)], attrs: { size: [7, 3], mode: 'nearest' } },
  {
    op: 'resize',
    name: 'face crop 150x150x3 -> 112x112 bilinear',
    inputs: [{ shape: [1, 150, 150, 3], seed: 8, range: [0, 255] }],
    attrs: { size: [112, 112] },
  },
  {
    op: 'resize',
    name: 'face crop 150x150x3 -> 112x112 nearest',
    inputs: [{ shape: [1, 150, 150, 3], seed: 9, range: [0, 255] }],
    attrs: { size: [112, 112], mode: 'nearest' },
  },
  { op: 'resize', name: 'face crops batch 2 160x160x4 -> 112x112', inputs: [X([2, 160, 160, 4], 10)], attrs: { size: [112, 112] } },
  { op: 'resize', name: 'identity size', inputs: [X([1, 5, 7, 3], 11)], attrs: { size: [5, 7] } },
  { op: 'resize', name: 'align_corners bilinear to 1x1 (3 channels)', inputs: [X([2, 5, 6, 3], 12)], attrs: { size: [1, 1], coordinateTransform: 'align_corners' } },
  { op: 'resize', name: 'align_corners nearest to 1x5', inputs: [X([1, 5, 6, 3], 13)], attrs: { size: [1, 5], mode: 'nearest', coordinateTransform: 'align_corners' } },
  { op: 'resize', name: 'from 1x1 to 3x4', inputs: [X([2, 1, 1, 3], 14)], attrs: { size: [3, 4] } },
  { op: 'resize', name: 'scales [1.5, 0.75] (5x8 -> 7x6)', inputs: [X([1, 5, 8, 3], 15)], attrs: { size: [7, 6], scales: [1.5, 0.75] } },
  { op: 'resize', name: 'nearest scales [3, 0.5] asymmetric', inputs: [X([1, 3, 8, 2], 16)], attrs: { size: [9, 4], scales: [3, 0.5], mode: 'nearest', coordinateTransform: 'asymmetric' } },
  { op: 'resize', name: 'empty batch', inputs: [X([0, 4, 4, 3], 17)], attrs: { size: [2, 2] } },
];

// Every coordinate transform, bilinear and nearest (each rounding mode), upscale and downscale by non-integer
// factors. 2x and 1/2 factors add exact ties (x.5) and integral source coordinates, where rounding must agree.
const sweep: OpCase[] = [];
TRANSFORMS.forEach((t, ti) => {
  for (const [from, to] of [
    [[2, 5, 7, 3], [8, 11]],
    [[1, 9, 12, 3], [4, 5]],
    [[1, 4, 6, 3], [8, 12]],
    [[1, 8, 6, 4], [4, 3]],
  ] as const) {
    const name = `${from[1]}x${from[2]}x${from[3]} -> ${to[0]}x${to[1]} ${t}`;
    sweep.push({ op: 'resize', name: `bilinear ${name}`, inputs: [X([...from], 100 + ti)], attrs: { size: [...to], coordinateTransform: t } });
    for (const m of NEAREST) {
      sweep.push({ op: 'resize', name: `nearest ${m} ${name}`, inputs: [X([...from], 200 + ti)], attrs: { size: [...to], mode: 'nearest', coordinateTransform: t, nearestMode: m } });
    }
  }
});

export const resizeCases: OpCase[] = [...hand, ...seeded, ...sweep];

const S = { shape: [1, 4, 4, 3] };
const bad = (name: string, attrs: unknown, message: RegExp, shape = S): BadCase => ({
  op: 'resize',
  name,
  inputs: [shape],
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const resizeBadCases: BadCase[] = [
  bad('rank 3 input', { size: [2, 2] }, /resize: input: expected rank 4/, { shape: [4, 4, 3] }),
  bad('missing size', {}, /resize: size must be \[outH, outW\]/),
  bad('size of one value', { size: [2] }, /resize: size must be \[outH, outW\]/),
  bad('zero output size', { size: [0, 2] }, /resize: size\[0\] must be >= 1/),
  bad('negative output size', { size: [2, -3] }, /resize: size\[1\] must be >= 1/),
  bad('fractional output size', { size: [2.5, 2] }, /resize: size\[0\] must be an integer/),
  bad('NaN output size', { size: [NaN, 2] }, /resize: size\[0\] must be a number/),
  bad('unknown mode', { size: [2, 2], mode: 'cubic' }, /resize: mode must be one of bilinear, nearest/),
  bad('unknown coordinate transform', { size: [2, 2], coordinateTransform: 'tf_crop_and_resize' }, /resize: coordinateTransform must be one of/),
  bad('unknown nearest mode', { size: [2, 2], mode: 'nearest', nearestMode: 'round' }, /resize: nearestMode must be one of/),
  bad('NaN scale', { size: [2, 2], scales: [NaN, 1] }, /resize: scales\[0\] must be a finite number > 0/),
  bad('negative scale', { size: [2, 2], scales: [1, -2] }, /resize: scales\[1\] must be a finite number > 0/),
  bad('scales of one value', { size: [2, 2], scales: [2] }, /resize: scales must be \[sh, sw\]/),
  bad('unknown option', { size: [2, 2], antialias: true }, /resize: unknown option 'antialias'/),
  bad('empty spatial input', { size: [2, 2] }, /resize: input \[1, 0, 4, 3\] has an empty spatial dim/, { shape: [1, 0, 4, 3] }),
];
