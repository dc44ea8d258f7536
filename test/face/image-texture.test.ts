// The texture path of preprocessImage (imageTexture kernel reading an rgba8unorm texture) gives the same network
// input as the buffer path (normalizeImage, pad, resize, affine) for every geometry case. In Node the texture is
// filled with writeTexture (there is no ImageBitmap); test/browser/image-inputs.test.ts covers
// copyExternalImageToTexture from real browser sources. The CPU kernels (device-loss fallback) are checked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.node.js';
import type { WebGpuBackend } from '../../src/runtime/backends/webgpu.js';
import { imageTexture, type ImageTextureAttrs } from '../../src/ops/image-texture/index.js';
import { preprocessImage, type PreprocessOptions } from '../../src/face/preprocess.js';
import type { RgbaImage } from '../../src/face/image.js';
import { InvalidArgumentError } from '../../src/runtime/errors.js';
import { normalizeImage } from '../../src/ops/normalize-image/index.js';
import { seededUniform } from '../support/random.js';

let gpu: Engine;
let wasm: Engine;
beforeAll(async () => {
  gpu = await createEngine({ backend: 'webgpu', fallbackToWasm: false, log: null });
  wasm = await createEngine({ backend: 'wasm', log: null });
});
afterAll(() => {
  gpu?.dispose();
  wasm?.dispose();
});

function image(w: number, h: number, seed: number): RgbaImage {
  const data = Uint8Array.from(seededUniform(seed, w * h * 4, 0, 256), (v) => Math.floor(v));
  return { width: w, height: h, data };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** The op on `engine`, from a texture on webgpu (uploaded from the bytes) or from the bytes on CPU backends. */
async function viaTexture(engine: Engine, img: RgbaImage, o: PreprocessOptions): Promise<Float32Array> {
  const be = engine.backendName === 'webgpu' ? (engine.backend as WebGpuBackend) : null;
  const tex = be ? be.uploadImage(img, img.width, img.height) : null;
  const size: [number, number] = Array.isArray(o.size) ? o.size : [o.size, o.size];
  const attrs: ImageTextureAttrs = { image: { width: img.width, height: img.height, texture: tex, pixels: () => img.data }, size, pad: o.pad ?? 'bottom-right', mean: o.mean, std: o.std };
  const t = imageTexture(engine, attrs);
  if (tex) be!.releaseTexture(tex);
  try {
    return await t.data();
  } finally {
    t.dispose();
  }
}

async function viaBuffers(engine: Engine, img: RgbaImage, o: PreprocessOptions): Promise<Float32Array> {
  const { input } = preprocessImage(engine, img, o);
  try {
    return await input.data();
  } finally {
    input.dispose();
  }
}

/** Outputs are pixel values (0..255) or normalised (~±2): f32 rounding only (measured <= 2e-5; 1/255 is allowed). */
const TOL = 1e-4;
const MEAN = [122.782, 117.001, 104.298] as const;
const STD = [58.4, 57.1, 57.4] as const;
const cases: [string, number, number, PreprocessOptions][] = [
  ['square, pad only (side == size)', 64, 64, { size: 64 }],
  ['landscape, pad only', 64, 40, { size: 64 }],
  ['portrait, pad only', 30, 64, { size: 64 }],
  ['square downscale', 97, 97, { size: 64 }],
  ['landscape downscale + pad', 130, 77, { size: 96 }],
  ['portrait upscale + pad', 21, 45, { size: 96 }],
  ['odd ratio (no small rational scale)', 101, 67, { size: 128 }],
  ['pad + mean / std', 90, 51, { size: 64, mean: MEAN, std: STD }],
  ['stretch, no pad', 80, 50, { size: [150, 150], pad: 'none' }],
  ['stretch + mean / std (normalised before the resize in the buffer path)', 73, 120, { size: [112, 96], pad: 'none', mean: MEAN, std: STD }],
  ['no pad, same size', 33, 21, { size: [21, 33], pad: 'none', std: [255, 255, 255] }],
];

describe('imageTexture (texture path of preprocessImage)', () => {
  it.each(cases)('%s: webgpu texture == webgpu buffers', async (_, w, h, o) => {
    const img = image(w, h, w * 1000 + h);
    const a = await viaTexture(gpu, img, o);
    const b = await viaBuffers(gpu, img, o);
    // Same arithmetic on exact bytes: equal up to f32 rounding (the 1/255 the issue allows is ~100x looser).
    expect(maxDiff(a, b)).toBeLessThanOrEqual(TOL);
  });

  it.each(cases)('%s: CPU kernel (device-loss fallback) == wasm buffers', async (_, w, h, o) => {
    const img = image(w, h, w * 7 + h);
    const a = await viaTexture(wasm, img, o);
    const b = await viaBuffers(wasm, img, o);
    expect(maxDiff(a, b)).toBeLessThanOrEqual(TOL);
  });

  it('hand-computed: a 2x1 image padded and upscaled to 4x4', async () => {
    // Pixels (10, 20, 30) and (50, 60, 70); side 2 -> 4: source = o / 2. Row 0: 10, 30, 50, 50 (clamped) for red;
    // row 1 blends with the zero row below the image (y = 0.5): half of row 0; rows 2-3 lie in the padding: 0.
    const img: RgbaImage = { width: 2, height: 1, data: Uint8Array.from([10, 20, 30, 255, 50, 60, 70, 255]) };
    const out = await viaTexture(gpu, img, { size: 4 });
    const red = Array.from({ length: 16 }, (_, i) => out[i * 3]!);
    expect(red).toEqual([10, 30, 50, 50, 5, 15, 25, 25, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('frees the texture after the work is submitted and leaves no storage behind', async () => {
    const img = image(40, 30, 5);
    const before = gpu.stats().liveTensors;
    const a = await viaTexture(gpu, img, { size: 32 });
    expect(a.length).toBe(32 * 32 * 3);
    expect(gpu.stats().liveTensors).toBe(before);
  });

  it('rejects bad attributes with a typed error', () => {
    const img = image(4, 4, 1);
    const base = { image: { width: 4, height: 4, texture: null, pixels: () => img.data } };
    expect(() => imageTexture(wasm, { ...base, size: [4, 8], pad: 'bottom-right' })).toThrow(/square/);
    expect(() => imageTexture(wasm, { ...base, size: [0, 4], pad: 'none' })).toThrow(/positive integers/);
    expect(() => imageTexture(wasm, { ...base, size: [4, 4], pad: 'centre' as 'none' })).toThrow(/pad must be/);
    expect(() => imageTexture(wasm, { ...base, size: [2, 2], pad: 'none', crop: { x: 3, y: 0, width: 2, height: 2 } })).toThrow(InvalidArgumentError);
    expect(() => imageTexture(wasm, { ...base, size: [2, 2], pad: 'none', crop: { x: 0, y: 0, width: 0, height: 2 } })).toThrow(/crop must be/);
    expect(() => imageTexture(wasm, { ...base, size: [2, 2], pad: 'none', crop: { x: 0.5, y: 0, width: 2, height: 2 } })).toThrow(/crop must be/);
  });
});

// Face crops cut from the one uploaded texture (crop attribute) are the crop's exact RGB bytes, so faceTensor, the
// landmark / recognition nets' input, is the same from the texture as from uploaded crop bytes.
describe('imageTexture crops (face crops from the attached texture)', () => {
  const img = image(57, 41, 99);
  const crops = [
    { x: 0, y: 0, width: 57, height: 41 },
    { x: 5, y: 7, width: 20, height: 31 },
    { x: 36, y: 20, width: 21, height: 21 },
    { x: 56, y: 40, width: 1, height: 1 },
  ];

  async function cropVia(engine: Engine, crop: (typeof crops)[number], texture: boolean): Promise<Float32Array> {
    const be = texture ? (engine.backend as WebGpuBackend) : null;
    const tex = be ? be.uploadImage(img, img.width, img.height) : null;
    const t = imageTexture(engine, { image: { width: img.width, height: img.height, texture: tex, pixels: () => img.data }, size: [crop.height, crop.width], pad: 'none', crop });
    if (tex) be!.releaseTexture(tex);
    try {
      return await t.data();
    } finally {
      t.dispose();
    }
  }

  /** The crop's RGB bytes, by hand. */
  function expected(c: (typeof crops)[number]): number[] {
    const out: number[] = [];
    for (let y = c.y; y < c.y + c.height; y++) for (let x = c.x; x < c.x + c.width; x++) for (let k = 0; k < 3; k++) out.push(img.data[(y * img.width + x) * 4 + k]!);
    return out;
  }

  it.each(crops)('crop %o: webgpu texture and CPU kernels give its bytes exactly', async (c) => {
    expect(Array.from(await cropVia(gpu, c, true))).toEqual(expected(c));
    expect(Array.from(await cropVia(gpu, c, false))).toEqual(expected(c)); // texture freed: re-uploaded from bytes
    expect(Array.from(await cropVia(wasm, c, false))).toEqual(expected(c));
  });
});

// MTCNN's input (normalizeImage with channels 4, bgr, mean 127.5, std 128) made from the texture instead of the
// uploaded bytes: the same f32 arithmetic on the same byte values, so equal.
describe('imageTexture with channels 4 / bgr (MTCNN input)', () => {
  const NORM = { mean: [127.5, 127.5, 127.5, 127.5], std: [128, 128, 128, 128], channels: 4 as const, bgr: true };
  it.each([
    ['MTCNN norm', NORM],
    ['RGBA raw', { channels: 4 as const }],
    ['BGR per-colour mean / std', { mean: [10, 20, 30], std: [2, 4, 8], bgr: true }],
  ])('%s: webgpu texture and CPU kernel == normalizeImage on the bytes', async (_, o) => {
    const img = image(23, 17, 4242);
    const ref = async (engine: Engine): Promise<Float32Array> => {
      const u8 = engine.tensor(img.data, [1, img.height, img.width, 4], 'u8');
      const t = normalizeImage(engine, u8, o);
      u8.dispose();
      try {
        return await t.data();
      } finally {
        t.dispose();
      }
    };
    const tex = async (engine: Engine): Promise<Float32Array> => {
      const be = engine.backendName === 'webgpu' ? (engine.backend as WebGpuBackend) : null;
      const texture = be ? be.uploadImage(img, img.width, img.height) : null;
      const t = imageTexture(engine, { image: { width: img.width, height: img.height, texture, pixels: () => img.data }, size: [img.height, img.width], pad: 'none', ...o });
      if (texture) be!.releaseTexture(texture);
      try {
        return await t.data();
      } finally {
        t.dispose();
      }
    };
    const want = await ref(gpu);
    expect(want.length).toBe(img.width * img.height * (o.channels ?? 3));
    expect(maxDiff(await tex(gpu), want)).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(await tex(wasm), await ref(wasm))).toBeLessThanOrEqual(1e-6);
  });

  it('rejects a mean / std of the wrong length', () => {
    const img = image(4, 4, 1);
    const base = { image: { width: 4, height: 4, texture: null, pixels: () => img.data }, size: [4, 4] as [number, number], pad: 'none' as const };
    expect(() => imageTexture(wasm, { ...base, channels: 4, mean: [1, 2, 3] })).toThrow(/mean must hold 4/);
    expect(() => imageTexture(wasm, { ...base, std: [1, 0, 1] })).toThrow(/non-zero/);
    expect(() => imageTexture(wasm, { ...base, channels: 2 as 3 })).toThrow(/channels must be 3 or 4/);
  });
});
