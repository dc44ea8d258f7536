import type { BadCase, InputSpec, OpCase } from '../types.js';

// normalizeImage takes u8 input (its spec says so; the harness uploads it as bytes). Random data in [0, 255.99)
// truncates to the integers 0..255, as Uint8Array does.
const bytes = (shape: number[], seed: number): InputSpec => ({ shape, seed, range: [0, 255.99] });

// Two pixels: (10, 20, 30, 255) and (0, 128, 255, 7).
const TWO = { shape: [1, 1, 2, 4], data: [10, 20, 30, 255, 0, 128, 255, 7] };

const hand: OpCase[] = [
  { op: 'normalizeImage', name: 'hand defaults drop alpha', inputs: [TWO], attrs: {}, expected: [[10, 20, 30, 0, 128, 255]] },
  { op: 'normalizeImage', name: 'hand attrs omitted', inputs: [TWO], attrs: undefined, expected: [[10, 20, 30, 0, 128, 255]] },
  {
    op: 'normalizeImage',
    name: 'hand mean / std',
    inputs: [TWO],
    attrs: { mean: [10, 20, 30], std: [2, 4, 5] },
    expected: [[0, 0, 0, -5, 27, 45]],
  },
  {
    op: 'normalizeImage',
    name: 'hand scale 1/255 then mean 0.5 std 0.5',
    inputs: [TWO],
    attrs: { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    expected: [[10, 20, 30, 0, 128, 255].map((v) => (v / 255 - 0.5) / 0.5)],
  },
  // bgr: output B, G, R with each colour's own mean / std.
  { op: 'normalizeImage', name: 'hand bgr', inputs: [TWO], attrs: { bgr: true, mean: [1, 2, 3] }, expected: [[27, 18, 9, 252, 126, -1]] },
  { op: 'normalizeImage', name: 'hand channels 4', inputs: [TWO], attrs: { channels: 4 }, expected: [[10, 20, 30, 255, 0, 128, 255, 7]] },
  {
    op: 'normalizeImage',
    name: 'hand bgr channels 4 with alpha mean / std',
    inputs: [TWO],
    attrs: { channels: 4, bgr: true, mean: [0, 0, 0, 1], std: [1, 1, 1, 2] },
    expected: [[30, 20, 10, 127, 255, 128, 0, 3]],
  },
  { op: 'normalizeImage', name: 'hand 3-D input', inputs: [{ shape: [2, 1, 4], data: [10, 20, 30, 255, 0, 128, 255, 7] }], attrs: {}, expected: [[10, 20, 30, 0, 128, 255]] },
];

const IMAGENET = { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const variants: [string, object][] = [
  ['defaults', {}],
  ['scale 1/255', { scale: 1 / 255 }],
  ['mean 127.5 std 128', { mean: [127.5, 127.5, 127.5], std: [128, 128, 128] }],
  ['imagenet mean / std', IMAGENET],
  ['bgr caffe mean', { bgr: true, mean: [123.68, 116.779, 103.939] }],
  ['channels 4', { channels: 4 }],
  ['channels 4 bgr scale mean std', { channels: 4, bgr: true, scale: 1 / 255, mean: [0.5, 0.4, 0.3, 0.2], std: [0.25, 0.5, 2, 4] }],
  ['negative scale and std', { scale: -2, std: [-3, 0.5, 7] }],
];

const seeded: OpCase[] = [];
variants.forEach(([name, attrs], i) => {
  seeded.push({ op: 'normalizeImage', name: `[2,5,7,4] ${name}`, inputs: [bytes([2, 5, 7, 4], 300 + i)], attrs });
  seeded.push({ op: 'normalizeImage', name: `[150,150,4] ${name}`, inputs: [bytes([150, 150, 4], 400 + i)], attrs });
});
seeded.push(
  // 9 pixels: two SIMD steps of 4 and a scalar tail of 1.
  { op: 'normalizeImage', name: '[1,3,3,4] tail pixels', inputs: [bytes([1, 3, 3, 4], 500)], attrs: IMAGENET },
  { op: 'normalizeImage', name: '[1,3,3,4] tail pixels channels 4 bgr', inputs: [bytes([1, 3, 3, 4], 501)], attrs: { channels: 4, bgr: true } },
  { op: 'normalizeImage', name: 'empty batch', inputs: [bytes([0, 3, 3, 4], 502)], attrs: {} },
);

export const normalizeImageCases: OpCase[] = [...hand, ...seeded];

const bad = (name: string, attrs: unknown, message: RegExp, shape = [1, 2, 2, 4]): BadCase => ({
  op: 'normalizeImage',
  name,
  inputs: [bytes(shape, 1)],
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const normalizeImageBadCases: BadCase[] = [
  bad('3 input channels', {}, /normalizeImage: input \[1, 2, 2, 3\] must have 4 channels \(RGBA pixels\), got 3/, [1, 2, 2, 3]),
  bad('rank 2 input', {}, /normalizeImage: input: expected rank 3 or 4, got rank 2/, [4, 4]),
  bad('rank 5 input', {}, /normalizeImage: input: expected rank 3 or 4, got rank 5/, [1, 1, 2, 2, 4]),
  bad('NaN mean', { mean: [0, NaN, 0] }, /normalizeImage: mean\[1\] must be a number, got NaN/),
  bad('NaN std', { std: [NaN, 1, 1] }, /normalizeImage: std\[0\] must be a number, got NaN/),
  bad('infinite mean', { mean: [0, 0, Infinity] }, /normalizeImage: mean\[2\] must be finite/),
  bad('std with a 0', { std: [1, 0, 1] }, /normalizeImage: std\[1\] must not be 0/),
  bad('mean of 2 values', { mean: [1, 2] }, /normalizeImage: mean must be \[r, g, b\], got \[1,2\]/),
  bad('mean of 4 values with channels 3', { mean: [1, 2, 3, 4] }, /normalizeImage: mean must be \[r, g, b\]/),
  bad('NaN scale', { scale: NaN }, /normalizeImage: scale must be a number, got NaN/),
  bad('channels 5', { channels: 5 }, /normalizeImage: channels must be 3 or 4, got 5/),
  bad('bgr not boolean', { bgr: 'yes' }, /normalizeImage: bgr must be a boolean/),
  bad('unknown option', { alpha: true }, /normalizeImage: unknown option 'alpha'/),
  {
    op: 'normalizeImage',
    name: 'f32 input instead of u8',
    inputs: [{ shape: [1, 2, 2, 4], dtype: 'f32' }],
    attrs: {},
    error: 'InvalidArgumentError',
    message: /normalizeImage: input 0 must be u8, got f32/,
  },
];
