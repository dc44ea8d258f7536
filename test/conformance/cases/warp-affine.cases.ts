import type { BadCase, InputSpec, OpCase } from '../types.js';

// Hand-computed on the 2x2 image [[1, 2], [3, 4]] = 1 + x + 2y at pixel centres (x, y integers). Output pixel
// (i, j) samples (a j + b i + c, d j + e i + f); a tap outside the image reads 0 ('zero') or the edge
// ('replicate'), each tap on its own (src/ops/warp-affine/spec.ts).
const TINY = { shape: [1, 2, 2, 1], data: [1, 2, 3, 4] };
const T = (...rows: number[][]) => ({ shape: [rows.length, 6], data: rows.flat() });
const ID = [1, 0, 0, 0, 1, 0];

const hand: OpCase[] = [
  { op: 'warpAffine', name: 'hand identity 2x2', inputs: [TINY, T(ID)], attrs: { size: [2, 2] }, expected: [[1, 2, 3, 4]] },
  // x + 0.5: row 0 samples x = 0.5 (1.5) and 1.5 (half of 2, half of the zero tap past the edge: 1).
  { op: 'warpAffine', name: 'hand translation by half a pixel, zero border', inputs: [TINY, T([1, 0, 0.5, 0, 1, 0])], attrs: { size: [2, 2] }, expected: [[1.5, 1, 3.5, 2]] },
  { op: 'warpAffine', name: 'hand translation by half a pixel, replicate', inputs: [TINY, T([1, 0, 0.5, 0, 1, 0])], attrs: { size: [2, 2], border: 'replicate' }, expected: [[1.5, 2, 3.5, 4]] },
  // Whole-pixel translation (-1, -1): only output (1, 1) lands on the image (pixel (0, 0) = 1).
  { op: 'warpAffine', name: 'hand translation by whole pixels', inputs: [TINY, T([1, 0, -1, 0, 1, -1])], attrs: { size: [2, 2] }, expected: [[0, 0, 0, 1]] },
  // Rotation by 90 degrees: (i, j) reads (x = i, y = 1 - j).
  { op: 'warpAffine', name: 'hand rotation by 90 degrees', inputs: [TINY, T([0, 1, 0, -1, 0, 1])], attrs: { size: [2, 2] }, expected: [[3, 1, 4, 2]] },
  // Scale x2 (upsampling): (i, j) reads (j / 2, i / 2): 1 + j / 2 + i.
  { op: 'warpAffine', name: 'hand scale 2x up', inputs: [TINY, T([0.5, 0, 0, 0, 0.5, 0])], attrs: { size: [3, 3] }, expected: [[1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]] },
  // Scale 1/2 (downsampling) to the centre: (0.5, 0.5) = 2.5.
  { op: 'warpAffine', name: 'hand scale 1/2 down', inputs: [TINY, T([2, 0, 0.5, 0, 2, 0.5])], attrs: { size: [1, 1] }, expected: [[2.5]] },
  // Half a pixel before the left edge: 0.5 * (zero tap) + 0.5 * 1.
  { op: 'warpAffine', name: 'hand fade over the left edge, zero border', inputs: [TINY, T([1, 0, -0.5, 0, 1, 0])], attrs: { size: [1, 2] }, expected: [[0.5, 1.5]] },
  { op: 'warpAffine', name: 'hand fade over the left edge, replicate', inputs: [TINY, T([1, 0, -0.5, 0, 1, 0])], attrs: { size: [1, 2], border: 'replicate' }, expected: [[1, 1.5]] },
  // Wholly outside (x from 10): zeros, or the right column (2, then 4 on row 1) replicated.
  { op: 'warpAffine', name: 'hand out of bounds, zero border', inputs: [TINY, T([1, 0, 10, 0, 1, 0])], attrs: { size: [2, 2] }, expected: [[0, 0, 0, 0]] },
  { op: 'warpAffine', name: 'hand out of bounds, replicate', inputs: [TINY, T([1, 0, 10, 0, 1, 0])], attrs: { size: [2, 2], border: 'replicate' }, expected: [[2, 2, 4, 4]] },
  // Far outside (1e30): clamped before flooring; corner replicated.
  { op: 'warpAffine', name: 'hand huge coordinates, replicate', inputs: [TINY, T([0, 0, 1e30, 0, 0, -1e30])], attrs: { size: [1, 1], border: 'replicate' }, expected: [[2]] },
  // A NaN coordinate samples 0 in both modes.
  { op: 'warpAffine', name: 'hand NaN transform gives zeros', inputs: [TINY, T([NaN, 0, 0, 0, 1, 0])], attrs: { size: [1, 2], border: 'replicate' }, expected: [[0, 0]] },
  // A batch of chips from one image: identity then the 90-degree rotation, one block each.
  { op: 'warpAffine', name: 'hand batch of two chips', inputs: [TINY, T(ID, [0, 1, 0, -1, 0, 1])], attrs: { size: [2, 2] }, expected: [[1, 2, 3, 4, 3, 1, 4, 2]] },
  // [k, 2, 3] transforms; image batch k: chip b samples image b.
  {
    op: 'warpAffine',
    name: 'hand image batch = chips, [k, 2, 3] transforms',
    inputs: [{ shape: [2, 2, 2, 1], data: [1, 2, 3, 4, 10, 20, 30, 40] }, { shape: [2, 2, 3], data: [...ID, 1, 0, 1, 0, 1, 1] }],
    attrs: { size: [1, 1] },
    expected: [[1, 40]],
  },
  // Channels ride along: 2 channels (v, 10 v), half-pixel diagonal shift -> the four-tap mean.
  {
    op: 'warpAffine',
    name: 'hand two channels, diagonal half-pixel',
    inputs: [{ shape: [1, 2, 2, 2], data: [1, 10, 2, 20, 3, 30, 4, 40] }, T([1, 0, 0.5, 0, 1, 0.5])],
    attrs: { size: [1, 1] },
    expected: [[2.5, 25]],
  },
];

/** The inverse affine of a similarity: output (j, i) -> source = centre + s R(theta) ((j, i) - chip centre). */
function sim(s: number, deg: number, cx: number, cy: number, outW: number, outH: number): number[] {
  const th = (deg * Math.PI) / 180;
  const [co, si] = [s * Math.cos(th), s * Math.sin(th)];
  const [ox, oy] = [(outW - 1) / 2, (outH - 1) / 2];
  return [co, -si, cx - co * ox + si * oy, si, co, cy - si * ox - co * oy];
}

// Seeded images in [0, 1] (pixel values are non-negative; with the default tolerance this bounds the f32 sample-
// coordinate rounding, <= 2 ulp of coordinates under 64, times the value step between neighbours, <= 1).
const X = (shape: number[], seed: number): InputSpec => ({ shape, seed, range: [0, 1] });
const MIXED = (w: number, h: number) => [
  [1, 0, 0, 0, 1, 0],
  sim(0.7, 12, 8.3, 6.1, w, h),
  sim(1.3, -33, 5.2, 7.9, w, h),
  sim(0.5, 180, 8, 6.5, w, h),
  sim(2.1, 71, 3.3, 2.2, w, h), // reaches past the top-left border
  sim(1, 0, 20.25, -4.5, w, h), // wholly outside
  [0.37, 0.21, -1.3, -0.44, 0.93, 2.6], // a general affine (shear)
];

const seeded: OpCase[] = [];
for (const border of ['zero', 'replicate'] as const) {
  seeded.push(
    { op: 'warpAffine', name: `13x17x3 image, 7 mixed transforms -> 9x11 (${border})`, inputs: [X([1, 13, 17, 3], 1), T(...MIXED(11, 9))], attrs: { size: [9, 11], border } },
    { op: 'warpAffine', name: `13x17x4 image, 7 mixed transforms -> 6x4 vec4 (${border})`, inputs: [X([1, 13, 17, 4], 2), T(...MIXED(4, 6))], attrs: { size: [6, 4], border } },
    { op: 'warpAffine', name: `13x17x1 image, 7 mixed transforms -> 5x5 (${border})`, inputs: [X([1, 13, 17, 1], 3), T(...MIXED(5, 5))], attrs: { size: [5, 5], border } },
  );
}
seeded.push(
  { op: 'warpAffine', name: '13x17x5 image (4 + spill) -> 7x3', inputs: [X([1, 13, 17, 5], 4), T(...MIXED(3, 7))], attrs: { size: [7, 3] } },
  { op: 'warpAffine', name: '13x17x8 image -> 4x9, replicate', inputs: [X([1, 13, 17, 8], 5), T(...MIXED(9, 4))], attrs: { size: [4, 9], border: 'replicate' } },
  { op: 'warpAffine', name: '13x17x2 image -> 5x6', inputs: [X([1, 13, 17, 2], 6), T(...MIXED(6, 5))], attrs: { size: [5, 6] } },
  {
    op: 'warpAffine',
    name: 'image batch = chips: 3 images 10x12x3, 3 transforms -> 8x8',
    inputs: [X([3, 10, 12, 3], 7), T(sim(0.9, 10, 6, 5, 8, 8), sim(1.2, -20, 5, 4, 8, 8), sim(0.6, 45, 6.5, 5.5, 8, 8))],
    attrs: { size: [8, 8] },
  },
  {
    // The face-chip shape: one 150x150x3 chip, rotated and scaled, out of a 64x48 image (threads split its rows).
    op: 'warpAffine',
    name: 'face chip: 48x64x3 image -> 150x150x3, rotated',
    inputs: [X([1, 48, 64, 3], 8), T(sim(0.31, 8.5, 31.7, 22.9, 150, 150))],
    attrs: { size: [150, 150] },
  },
  {
    op: 'warpAffine',
    name: 'batch of 12 chips from one 40x36x3 image -> 16x16, replicate',
    inputs: [X([1, 40, 36, 3], 9), T(...Array.from({ length: 12 }, (_, q) => sim(0.8 + 0.1 * (q % 5), -50 + 9 * q, 4 + 2.5 * q, 3 + 3.1 * q, 16, 16)))],
    attrs: { size: [16, 16], border: 'replicate' },
  },
  { op: 'warpAffine', name: 'no chips', inputs: [X([1, 5, 5, 3], 10), { shape: [0, 6], data: [] }], attrs: { size: [4, 4] } },
  { op: 'warpAffine', name: '1x1 image', inputs: [X([1, 1, 1, 4], 11), T(ID, sim(0.4, 30, 0.2, -0.3, 3, 2))], attrs: { size: [2, 3] } },
  { op: 'warpAffine', name: '1x1 image, replicate', inputs: [X([1, 1, 1, 3], 12), T(sim(0.4, 30, 0.2, -0.3, 3, 2))], attrs: { size: [2, 3], border: 'replicate' } },
);

export const warpAffineCases: OpCase[] = [...hand, ...seeded];

const IMG = { shape: [1, 4, 4, 3] };
const TR = { shape: [2, 6] };
const bad = (name: string, attrs: unknown, message: RegExp, img: object = IMG, tr: object | null = TR): BadCase => ({
  op: 'warpAffine',
  name,
  inputs: [img as InputSpec, tr as InputSpec | null],
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const warpAffineBadCases: BadCase[] = [
  bad('rank 3 image', { size: [2, 2] }, /warpAffine: image \(NHWC\): expected rank 4/, { shape: [4, 4, 3] }),
  bad('empty image', { size: [2, 2] }, /warpAffine: image \[1, 0, 4, 3\] is empty/, { shape: [1, 0, 4, 3] }),
  bad('image batch neither 1 nor k', { size: [2, 2] }, /warpAffine: image batch 3 must be 1 \(all chips from one image\) or equal the 2 transforms/, { shape: [3, 4, 4, 3] }),
  bad('transforms of 5 values', { size: [2, 2] }, /warpAffine: transforms \[2, 5\] must be \[k, 6\] or \[k, 2, 3\]/, IMG, { shape: [2, 5] }),
  bad('transforms [k, 3, 2]', { size: [2, 2] }, /warpAffine: transforms \[2, 3, 2\] must be \[k, 6\] or \[k, 2, 3\]/, IMG, { shape: [2, 3, 2] }),
  bad('transforms rank 1', { size: [2, 2] }, /warpAffine: transforms \[6\] must be \[k, 6\] or \[k, 2, 3\]/, IMG, { shape: [6] }),
  bad('missing transforms', { size: [2, 2] }, /warpAffine: needs an image \[n, H, W, C\] and transforms \[k, 6\]/, IMG, null),
  bad('missing size', {}, /warpAffine: size must be \[outH, outW\]/),
  bad('size of one value', { size: [150] }, /warpAffine: size must be \[outH, outW\]/),
  bad('zero output size', { size: [0, 2] }, /warpAffine: size\[0\] must be >= 1/),
  bad('negative output size', { size: [2, -3] }, /warpAffine: size\[1\] must be >= 1/),
  bad('fractional output size', { size: [2, 2.5] }, /warpAffine: size\[1\] must be an integer/),
  bad('NaN output size', { size: [NaN, 2] }, /warpAffine: size\[0\] must be a number/),
  bad('unknown border', { size: [2, 2], border: 'reflect' }, /warpAffine: border must be one of zero, replicate, got "reflect"/),
  bad('unknown option', { size: [2, 2], interpolation: 'nearest' }, /warpAffine: unknown option 'interpolation'/),
  bad('attrs not an object', null, /warpAffine: attrs must be an object/),
];
