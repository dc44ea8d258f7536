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
  });
});
