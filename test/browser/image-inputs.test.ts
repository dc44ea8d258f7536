// Browser image inputs in Chromium: ImageBitmap, ImageData, <canvas>, OffscreenCanvas, <img>, <video> and
// VideoFrame go straight to a GPU texture on webgpu (copyExternalImageToTexture + the imageTexture kernel) and give
// the network input that the same pixels give as an RgbaImage (read back through a 2-D canvas); on wasm they are
// read through a canvas. The recognizer detects the same faces in face-api's bbt1.jpg as an ImageBitmap as it does
// from its RgbaImage pixels; on webgpu each call uploads the image once and cuts every crop from that texture, with
// no pixel read into JS.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { createEngine, createFaceRecognizer, InvalidArgumentError, type Engine, type FaceRecognizer } from '../../src/index.js';
import { preprocessImage, type PreprocessOptions } from '../../src/face/preprocess.js';
import { BrowserImage, readPixels, type BrowserImageSource, type RgbaImage } from '../../src/face/image.js';
import { WebGpuBackend } from '../../src/runtime/backends/webgpu.js';

const DATA = '../shared/data';
const MODELS = '/node_modules/@vladmandic/face-api/model';

async function bytes(path: string): Promise<Uint8Array<ArrayBuffer>> {
  const b64 = await commands.readFile(path, 'base64');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

let gpu: Engine;
let wasm: Engine;
let bitmap: ImageBitmap;
let rgba: RgbaImage;
let jpegUrl: string;

beforeAll(async () => {
  gpu = await createEngine({ backend: 'webgpu', fallbackToWasm: false, log: null });
  wasm = await createEngine({ backend: 'wasm', log: null });
  const jpeg = new Blob([await bytes(`${DATA}/face-api-js/examples-images/bbt1.jpg`)], { type: 'image/jpeg' });
  jpegUrl = URL.createObjectURL(jpeg);
  bitmap = await createImageBitmap(jpeg);
  rgba = { width: bitmap.width, height: bitmap.height, data: readPixels(bitmap, bitmap.width, bitmap.height) };
});
afterAll(() => {
  gpu?.dispose();
  wasm?.dispose();
  bitmap?.close();
  URL.revokeObjectURL(jpegUrl);
});

async function input(engine: Engine, img: RgbaImage | BrowserImageSource, o: PreprocessOptions): Promise<Float32Array> {
  const { input: t } = preprocessImage(engine, img, o);
  try {
    return await t.data();
  } finally {
    t.dispose();
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** face-api's test clip in a <video>, paused on its first frame. */
async function pausedVideo(): Promise<HTMLVideoElement> {
  const v = document.createElement('video');
  v.muted = true;
  v.src = URL.createObjectURL(new Blob([await bytes(`${DATA}/video/face-api-video.mp4`)], { type: 'video/mp4' }));
  await new Promise<void>((resolve, reject) => {
    v.onloadeddata = () => resolve();
    v.onerror = () => reject(new Error(`video failed to load: ${v.error?.message}`));
  });
  // Headless Chromium presents no frame until the video plays: play to the first frame, then hold it.
  await v.play();
  await new Promise<void>((resolve) => v.requestVideoFrameCallback(() => resolve()));
  v.pause();
  return v;
}

/** Each kind of source, made from the decoded JPEG; `close` frees what the maker created. */
const kinds: Record<string, () => Promise<{ src: BrowserImageSource; close?: () => void }>> = {
  ImageBitmap: async () => ({ src: bitmap }),
  ImageData: async () => ({ src: new ImageData(new Uint8ClampedArray(rgba.data), rgba.width, rgba.height) }),
  HTMLCanvasElement: async () => {
    const c = document.createElement('canvas');
    c.width = bitmap.width;
    c.height = bitmap.height;
    c.getContext('2d')!.drawImage(bitmap, 0, 0);
    return { src: c };
  },
  OffscreenCanvas: async () => {
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    c.getContext('2d')!.drawImage(bitmap, 0, 0);
    return { src: c };
  },
  HTMLImageElement: async () => {
    const im = new Image();
    im.src = jpegUrl;
    await im.decode();
    return { src: im };
  },
  VideoFrame: async () => {
    const f = new VideoFrame(bitmap, { timestamp: 0 });
    return { src: f, close: () => f.close() };
  },
};

// Options as the networks use them: TinyFaceDetector (pad to a square, raw 0..255) and a normalised stretch.
const OPTIONS: [string, PreprocessOptions][] = [
  ['pad + resize to 416', { size: 416 }],
  ['stretch to 150 + mean / std', { size: [150, 150], pad: 'none', mean: [122.78, 117.0, 104.3], std: [58.4, 57.1, 57.4] }],
];

/**
 * `bitmap` as a live video (a canvas stream): its frames go through the media pipeline (YUV) like a camera's.
 * Returned paused on a painted frame (a stream frame per paint); stop `stream`'s tracks when done.
 */
async function liveVideo(bitmap: ImageBitmap): Promise<{ v: HTMLVideoElement; stream: MediaStream }> {
  const c = document.createElement('canvas');
  c.width = bitmap.width;
  c.height = bitmap.height;
  const stream = c.captureStream();
  const paint = setInterval(() => c.getContext('2d')!.drawImage(bitmap, 0, 0), 20);
  const v = document.createElement('video');
  v.muted = true;
  v.srcObject = stream;
  await v.play();
  await new Promise<void>((resolve) => v.requestVideoFrameCallback(() => resolve()));
  clearInterval(paint);
  v.pause();
  return { v, stream };
}

describe('browser image sources on webgpu (copyExternalImageToTexture)', () => {
  for (const [kind, make] of Object.entries(kinds)) {
    it.each(OPTIONS)(`${kind}: %s == the same pixels as RgbaImage`, async (_, o) => {
      const { src, close } = await make();
      try {
        const want = await input(gpu, rgba, o);
        const got = await input(gpu, src, o);
        // Same bytes, same arithmetic: f32 rounding only (the issue allows 1/255 after normalisation).
        expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-4);
      } finally {
        close?.();
      }
    });
  }

  it('<video>: the current frame == that frame drawn to a canvas, within 1/255 after normalisation', async () => {
    const v = await pausedVideo();
    try {
      const o: PreprocessOptions = { size: 416, mean: [0, 0, 0], std: [255, 255, 255] };
      const frame: RgbaImage = { width: v.videoWidth, height: v.videoHeight, data: readPixels(v, v.videoWidth, v.videoHeight) };
      expect([frame.width, frame.height]).toEqual([820, 460]);
      const want = await input(gpu, frame, o);
      const got = await input(gpu, v, o);
      // Decoded YUV frames are converted to RGB by the GPU upload and by the canvas separately.
      expect(maxDiff(got, want)).toBeLessThanOrEqual(1 / 255);
      // And the frame is not blank: the comparison above compares pictures.
      expect(want.reduce((a, x) => Math.max(a, x), 0) - want.reduce((a, x) => Math.min(a, x), 1)).toBeGreaterThan(0.5);
    } finally {
      URL.revokeObjectURL(v.src);
    }
  });

  it('an image wider than the largest texture takes the byte path, same result', async () => {
    const max = (gpu.backend as unknown as { device: GPUDevice }).device.limits.maxTextureDimension2D;
    const w = max + 8;
    const data = new Uint8ClampedArray(w * 3 * 4).map((_, i) => (i * 37) % 256);
    const o: PreprocessOptions = { size: 64 };
    expect(maxDiff(await input(gpu, new ImageData(data, w, 3), o), await input(gpu, { width: w, height: 3, data }, o))).toBe(0);
  });

  it('uploads leave no tensors or textures behind', async () => {
    const before = gpu.stats().liveTensors;
    await input(gpu, bitmap, { size: 128 });
    expect(gpu.stats().liveTensors).toBe(before);
  });

  it('bad sources get typed errors', () => {
    const im = new Image(); // never loaded
    expect(() => preprocessImage(gpu, im, { size: 64 })).toThrow(InvalidArgumentError);
    expect(() => preprocessImage(gpu, im, { size: 64 })).toThrow(/has not loaded/);
    const v = document.createElement('video'); // no frame
    expect(() => preprocessImage(gpu, v, { size: 64 })).toThrow(/no current frame/);
    const oc = new OffscreenCanvas(4, 4);
    oc.getContext('2d');
    const closed = oc.transferToImageBitmap();
    closed.close();
    expect(() => preprocessImage(gpu, closed, { size: 64 })).toThrow(/closed or empty/);
    expect(() => preprocessImage(gpu, new OffscreenCanvas(0, 5), { size: 64 })).toThrow(/empty image/);
  });
});

describe('browser image sources on wasm (canvas readback)', () => {
  it.each(Object.keys(kinds))('%s == RgbaImage, bit for bit', async (kind) => {
    const { src, close } = await kinds[kind]!();
    try {
      const o: PreprocessOptions = { size: 224 };
      expect(maxDiff(await input(wasm, src, o), await input(wasm, rgba, o))).toBe(0);
    } finally {
      close?.();
    }
  });

  it('BrowserImage reads the bytes once, on first use', () => {
    const b = new BrowserImage(bitmap);
    expect([b.width, b.height]).toEqual([rgba.width, rgba.height]);
    const d = b.data;
    expect(b.data).toBe(d);
    expect(Array.from(d.subarray(0, 4000))).toEqual(Array.from(rgba.data.subarray(0, 4000)));
  });
});

describe('recognizer with browser images', () => {
  let fr: FaceRecognizer;
  beforeAll(async () => {
    fr = await createFaceRecognizer({ engine: gpu, modelPath: MODELS });
  });
  afterAll(() => fr?.dispose());

  it.each([416, 608])('detects the same faces in bbt1.jpg at %i as an ImageBitmap as from its RgbaImage pixels', async (inputSize) => {
    const want = await fr.detect(rgba, { inputSize, withLandmarks: true });
    const got = await fr.detect(bitmap, { inputSize, withLandmarks: true });
    expect(want.length).toBeGreaterThanOrEqual(inputSize === 416 ? 2 : 4); // Chromium's decode: 2 at 416, 5 at 608
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => {
      const w = want[i]!;
      expect(g.score).toBeCloseTo(w.score, 5);
      for (const k of ['x', 'y', 'width', 'height'] as const) expect(g.box[k]).toBeCloseTo(w.box[k], 3);
      // The 68 points come from crops of the same image, read back through a canvas.
      g.landmarks!.forEach((p, j) => {
        expect(p.x).toBeCloseTo(w.landmarks![j]!.x, 3);
        expect(p.y).toBeCloseTo(w.landmarks![j]!.y, 3);
      });
    });
  });

  it('detects and embeds from a <video> like from its frame as RgbaImage', async () => {
    const { v, stream } = await liveVideo(bitmap);
    try {
      const frame: RgbaImage = { width: v.videoWidth, height: v.videoHeight, data: readPixels(v, v.videoWidth, v.videoHeight) };
      const want = await fr.detectAndEmbed(frame, { inputSize: 608 });
      const got = await fr.detectAndEmbed(v, { inputSize: 608 });
      expect(want.length).toBeGreaterThanOrEqual(4);
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        // The video frame's YUV -> RGB conversion may differ by a level between the texture and canvas routes.
        expect(g.score).toBeCloseTo(want[i]!.score, 2);
        expect(Math.abs(g.box.x - want[i]!.box.x) + Math.abs(g.box.y - want[i]!.box.y)).toBeLessThan(1);
        let d = 0;
        for (let j = 0; j < 128; j++) d += (g.descriptor[j]! - want[i]!.descriptor[j]!) ** 2;
        expect(Math.sqrt(d)).toBeLessThan(0.01); // same-person distances are ~0.4; a different frame would show
      });
    } finally {
      stream.getTracks().forEach((t) => t.stop());
    }
  });

  it('embeds a face from a VideoFrame like from RgbaImage', async () => {
    const [face] = await fr.detect(rgba);
    const frame = new VideoFrame(bitmap, { timestamp: 0 });
    try {
      const a = await fr.embed(frame, face);
      const b = await fr.embed(rgba, face);
      let d = 0;
      for (let i = 0; i < a.length; i++) d += (a[i]! - b[i]!) ** 2;
      expect(Math.sqrt(d)).toBeLessThan(1e-5);
    } finally {
      frame.close();
    }
  });
});

// On webgpu a browser image is uploaded once per recognizer call (copyExternalImageToTexture) and that texture is
// the single source: the detector input, the 68-point crops, the aligned chips and box crops are all cut from it
// by the imageTexture kernel, so no pixels reach JS (no getImageData, no BrowserImage.data), and the results are
// those of the same pixels given as an RgbaImage.
describe('recognizer on webgpu: one texture per call, no pixels in JS', () => {
  let fr: FaceRecognizer;
  let want: Awaited<ReturnType<FaceRecognizer['detectAndEmbed']>>;
  const OPTS = { inputSize: 416, withLandmarks: true } as const;
  beforeAll(async () => {
    fr = await createFaceRecognizer({ engine: gpu, modelPath: MODELS });
    want = await fr.detectAndEmbed(rgba, OPTS);
  });
  afterAll(() => fr?.dispose());

  /** Counts pixel reads and image uploads during `fn`, and the image textures it left alive. */
  async function watched<T>(fn: () => Promise<T>): Promise<{ result: T; reads: number; uploads: number; alive: number }> {
    const spies = [
      vi.spyOn(BrowserImage.prototype, 'data', 'get'),
      vi.spyOn(CanvasRenderingContext2D.prototype, 'getImageData'),
      vi.spyOn(OffscreenCanvasRenderingContext2D.prototype, 'getImageData'),
    ];
    const upload = vi.spyOn(WebGpuBackend.prototype, 'uploadImage');
    const live = new Set<GPUTexture>();
    const create = GPUDevice.prototype.createTexture;
    const destroy = GPUTexture.prototype.destroy;
    GPUDevice.prototype.createTexture = function (this: GPUDevice, d: GPUTextureDescriptor) {
      const t = create.call(this, d);
      if (d.label === 'image') live.add(t);
      return t;
    };
    GPUTexture.prototype.destroy = function (this: GPUTexture) {
      live.delete(this);
      return destroy.call(this);
    };
    try {
      const result = await fn();
      // Uploads that made a texture (a VideoFrame that WebGPU cannot import is retried through a 2-D canvas, GPU-side).
      const uploads = upload.mock.results.filter((r) => r.type === 'return').length;
      return { result, reads: spies.reduce((n, s) => n + s.mock.calls.length, 0), uploads, alive: live.size };
    } finally {
      GPUDevice.prototype.createTexture = create;
      GPUTexture.prototype.destroy = destroy;
      [...spies, upload].forEach((s) => s.mockRestore());
    }
  }

  function expectSameFaces(got: typeof want, ref: typeof want): void {
    expect(got.length).toBe(ref.length);
    got.forEach((g, i) => {
      const w = ref[i]!;
      for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(g.box[k] - w.box[k])).toBeLessThan(1e-3);
      expect(Math.abs(g.score - w.score)).toBeLessThan(1e-5);
      expect(g.landmarks!.length).toBe(68);
      g.landmarks!.forEach((p, j) => {
        expect(Math.abs(p.x - w.landmarks![j]!.x)).toBeLessThan(1e-3);
        expect(Math.abs(p.y - w.landmarks![j]!.y)).toBeLessThan(1e-3);
      });
      let d = 0;
      for (let j = 0; j < 128; j++) d += (g.descriptor[j]! - w.descriptor[j]!) ** 2;
      expect(Math.sqrt(d)).toBeLessThan(1e-4);
    });
  }

  it.each(Object.keys(kinds))('%s: detectAndEmbed == RgbaImage, one upload, no pixel reads, nothing left', async (kind) => {
    expect(want.length).toBeGreaterThanOrEqual(2);
    const { src, close } = await kinds[kind]!();
    try {
      const before = gpu.stats();
      const w = await watched(() => fr.detectAndEmbed(src, OPTS));
      expectSameFaces(w.result, want);
      expect(w.reads).toBe(0);
      expect(w.uploads).toBe(1); // one texture for detection, landmarks, alignment and embedding
      expect(w.alive).toBe(0); // released at the end of the call
      expect(gpu.stats().liveTensors).toBe(before.liveTensors);
    } finally {
      close?.();
    }
  });

  it('box crops (align: false) and a caller-made BrowserImage: same, one upload, released after the call', async () => {
    const ref = await fr.detectAndEmbed(rgba, { ...OPTS, align: false });
    const b = new BrowserImage(bitmap);
    try {
      const w = await watched(() => fr.detectAndEmbed(b, { ...OPTS, align: false }));
      expectSameFaces(w.result, ref);
      expect([w.reads, w.uploads, w.alive]).toEqual([0, 1, 0]);
      expect(b.texture(gpu.backend)).toBeNull();
    } finally {
      b.close();
    }
  });

  it('<video> (a live stream of bbt1.jpg): uploaded once, never read into JS, same faces as its frame', async () => {
    const { v, stream } = await liveVideo(bitmap);
    try {
      const frame: RgbaImage = { width: v.videoWidth, height: v.videoHeight, data: readPixels(v, v.videoWidth, v.videoHeight) };
      const ref = await fr.detectAndEmbed(frame, OPTS);
      const before = gpu.stats().liveTensors;
      const w = await watched(() => fr.detectAndEmbed(v, OPTS));
      expect(ref.length).toBeGreaterThanOrEqual(2);
      expect(w.result.length).toBe(ref.length);
      w.result.forEach((g, i) => {
        // YUV -> RGB may differ by a level between the texture and canvas routes (see the test above).
        let d = 0;
        for (let j = 0; j < 128; j++) d += (g.descriptor[j]! - ref[i]!.descriptor[j]!) ** 2;
        expect(Math.sqrt(d)).toBeLessThan(0.01);
      });
      expect([w.reads, w.uploads, w.alive]).toEqual([0, 1, 0]);
      expect(gpu.stats().liveTensors).toBe(before);
    } finally {
      stream.getTracks().forEach((t) => t.stop());
    }
  });

  it('MTCNN (5 points, aligned): same faces and descriptors as RgbaImage, one upload, no pixel reads', async () => {
    // The dev server will not serve the extension-less shard from the shared data: read MTCNN's files directly.
    const fetchModel = async (url: string): Promise<Response> =>
      url.includes('/mtcnn/') ? new Response(await bytes(`${DATA}/weights/mtcnn/${url.split('/').pop()}`)) : fetch(url);
    const fm = await createFaceRecognizer({ engine: gpu, modelPath: MODELS, mtcnnModelPath: '/mtcnn/', fetch: fetchModel as typeof fetch });
    try {
      const o = { detector: 'mtcnn', minFaceSize: 40 } as const;
      const ref = await fm.detectAndEmbed(rgba, o);
      const before = gpu.stats().liveTensors;
      const w = await watched(() => fm.detectAndEmbed(bitmap, o));
      expect(ref.length).toBeGreaterThanOrEqual(2);
      expect(w.result.length).toBe(ref.length);
      w.result.forEach((g, i) => {
        const r = ref[i]!;
        for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(g.box[k] - r.box[k])).toBeLessThan(1e-3);
        g.landmarks!.forEach((p, j) => expect(Math.abs(p.x - r.landmarks![j]!.x) + Math.abs(p.y - r.landmarks![j]!.y)).toBeLessThan(1e-3));
        let d = 0;
        for (let j = 0; j < 128; j++) d += (g.descriptor[j]! - r.descriptor[j]!) ** 2;
        expect(Math.sqrt(d)).toBeLessThan(1e-4);
      });
      expect([w.reads, w.uploads, w.alive]).toEqual([0, 1, 0]);
      expect(gpu.stats().liveTensors).toBe(before);
    } finally {
      fm.dispose();
    }
  });

  it('on wasm the same call reads the pixels (the canvas path is kept)', async () => {
    const fw = await createFaceRecognizer({ engine: wasm, modelPath: MODELS });
    try {
      const w = await watched(() => fw.detect(bitmap, { inputSize: 128 }));
      expect(w.uploads).toBe(0);
      expect(w.reads).toBeGreaterThan(0);
    } finally {
      fw.dispose();
    }
  });
});
