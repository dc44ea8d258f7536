// TinyFaceDetector on our kernels (wasm and webgpu) against face-api: @vladmandic/face-api run in this test (tfjs
// wasm backend, the same tensor input path: pad to square, resizeBilinear) on shared images at inputSize 416 and
// 608, and face-api.js's own expectations (reference-outputs.json, faces.jpg = bbt4.jpg).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, decodeImage, InvalidArgumentError, InvalidModelFileError, parseWeights } from '../../src/index.node.js';
import type { Engine } from '../../src/runtime/engine.js';
import type { RgbaImage } from '../../src/face/image.js';
import type { FaceBox } from '../../src/face/nets/face-input.js';
import { TinyFaceDetector, type TinyFaceDetection } from '../../src/face/tiny-face-detector.js';
import { preprocessImage } from '../../src/face/preprocess.js';
import { FACE_API_MODELS, loadFaceApi, type Any } from '../support/face-api.js';

const root = resolve(__dirname, '../..');
const DATA = resolve(root, '../shared/data');
const MODELS = FACE_API_MODELS;
const MODEL = 'tiny_face_detector_model';
/** Images face-api is run on in this test (faces.jpg: 6 faces; bbt1.jpg: 4; a PASCAL VOC photo with small faces). */
const LIVE = {
  'faces.jpg': 'face-api-js/test-images/faces.jpg',
  'bbt1.jpg': 'face-api-js/examples-images/bbt1.jpg',
  '2008_002079.jpg': 'detection-dev/2008_002079.jpg',
} as const;
type LiveName = keyof typeof LIVE;
const SIZES = [416, 608] as const;

interface Det {
  box: FaceBox;
  score: number;
}

function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * Pairs each detection of `want` with the best-overlapping one of `got`. Detections whose score is within `margin`
 * of the threshold may be missing on either side (a 1e-3 score difference can move them across it).
 */
function match(got: readonly Det[], want: readonly Det[], threshold: number, margin: number): { worstIou: number; worstScore: number; problems: string[] } {
  const problems: string[] = [];
  let worstIou = 1;
  let worstScore = 0;
  const used = new Set<number>();
  for (const w of want) {
    let best = -1;
    let bestIou = 0;
    got.forEach((g, i) => {
      const v = iou(g.box, w.box);
      if (!used.has(i) && v > bestIou) [best, bestIou] = [i, v];
    });
    if (best < 0 || bestIou < 0.5) {
      if (w.score > threshold + margin) problems.push(`missing ${JSON.stringify(w)}`);
      continue;
    }
    used.add(best);
    worstIou = Math.min(worstIou, bestIou);
    worstScore = Math.max(worstScore, Math.abs(got[best]!.score - w.score));
  }
  got.forEach((g, i) => {
    if (!used.has(i) && g.score > threshold + margin) problems.push(`extra ${JSON.stringify(g)}`);
  });
  return { worstIou, worstScore, problems };
}

// ---- face-api (node-wasm build) as the reference: test/support/face-api.ts ------------------------------------

/** face-api's TinyFaceDetector.locateFaces on the image as an int32 RGB tensor (its Node path). */
async function faceApiDetect(faceapi: Any, img: RgbaImage, inputSize: number): Promise<Det[]> {
  const tf = faceapi.tf;
  const rgb = new Int32Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = img.data[i * 4 + c]!;
  const t = tf.tensor3d(rgb, [img.height, img.width, 3], 'int32');
  const dets = await faceapi.nets.tinyFaceDetector.locateFaces(t, new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 }));
  t.dispose();
  return dets.map((d: Any) => ({ box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height }, score: d.score }));
}

// ---- fixtures --------------------------------------------------------------------------------------------------
interface RefCase {
  options: { inputSize: number };
  count: number;
  expectedScores: number[];
  maxScoreDelta: number;
  maxBoxDelta: number;
}
const reference = JSON.parse(readFileSync(join(DATA, 'face-api-js/reference-outputs.json'), 'utf8')).tinyFaceDetector as {
  expectedBoxes: FaceBox[];
  cases: RefCase[];
};
const images = new Map<string, RgbaImage>();
let faceapi: Any;
const faceApiResults = new Map<string, Det[]>();
let bbt4: RgbaImage;
let dogs: RgbaImage;

beforeAll(async () => {
  for (const [name, path] of Object.entries(LIVE)) images.set(name, await decodeImage(join(DATA, path)));
  bbt4 = await decodeImage(join(DATA, 'face-api-js/examples-images/bbt4.jpg'));
  dogs = await decodeImage(join(DATA, 'detection-dev/dogs.jpg'));
  faceapi = await loadFaceApi(['tinyFaceDetector']);
  for (const name of Object.keys(LIVE)) {
    for (const size of [...SIZES, 320]) faceApiResults.set(`${name}@${size}`, await faceApiDetect(faceapi, images.get(name)!, size));
  }
});

/** face-api.js's order for reference-outputs.json: by distance of the top-left corner to the origin. */
const byCorner = <T extends Det>(ds: readonly T[]): T[] => [...ds].sort((a, b) => Math.hypot(a.box.x, a.box.y) - Math.hypot(b.box.x, b.box.y));

const BACKENDS = ['wasm', 'webgpu'] as const;

describe.each(BACKENDS)('TinyFaceDetector on %s', (backend) => {
  let engine: Engine;
  let det: TinyFaceDetector;
  let baseline: number;

  beforeAll(async () => {
    engine = await createEngine({ backend, log: null });
    det = await TinyFaceDetector.load(engine);
    baseline = engine.stats().liveTensors;
    // Compile every pipeline once (lavapipe takes a while) so the tests below time and test detect itself.
    for (const inputSize of [320, ...SIZES]) await det.detect(bbt4, { inputSize });
  });
  afterAll(() => {
    det?.dispose();
    engine?.dispose();
  });

  it.each(Object.keys(LIVE).flatMap((n) => SIZES.map((s) => [n as LiveName, s] as const)))(
    '%s at inputSize %i: same faces as face-api (IoU >= 0.98, scores within 0.01)',
    async (name, inputSize) => {
      const ours = await det.detect(images.get(name)!, { inputSize });
      const theirs = faceApiResults.get(`${name}@${inputSize}`)!;
      const m = match(ours, theirs, 0.5, 0.01);
      console.log(
        `[tiny ${backend}] ${name}@${inputSize}: ${ours.length} faces (face-api ${theirs.length}), worst IoU ${m.worstIou.toFixed(6)}, ` +
          `worst score diff ${m.worstScore.toExponential(2)}`,
      );
      expect(m.problems).toEqual([]);
      expect(theirs.length).toBeGreaterThan(0);
      expect(m.worstIou).toBeGreaterThanOrEqual(0.98);
      expect(m.worstScore).toBeLessThanOrEqual(0.01);
      // Best first, as face-api's NMS picks them.
      for (let i = 1; i < ours.length; i++) expect(ours[i]!.score).toBeLessThanOrEqual(ours[i - 1]!.score);
    },
  );

  it.each(reference.cases.map((c) => [c.options.inputSize, c] as const))(
    "bbt4.jpg (= faces.jpg) at inputSize %i: face-api.js's expected boxes and scores (reference-outputs.json)",
    async (inputSize, c) => {
      const ours = byCorner(await det.detect(bbt4, { inputSize }));
      const theirs = byCorner(faceApiResults.get(`faces.jpg@${inputSize}`)!);
      expect(ours.length).toBe(c.count);
      const want = reference.expectedBoxes.map((box, i) => ({ box, score: c.expectedScores[i]! }));
      let worstIou = 1;
      let worstScore = 0;
      let faceApiWorstIou = 1;
      ours.forEach((d, i) => {
        const w = want[i]!;
        // face-api.js's own test: each of x, y, width, height within maxBoxDelta px, the score within maxScoreDelta.
        for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(d.box[k] - w.box[k])).toBeLessThanOrEqual(c.maxBoxDelta);
        expect(Math.abs(d.score - w.score)).toBeLessThanOrEqual(c.maxScoreDelta);
        worstIou = Math.min(worstIou, iou(d.box, w.box));
        worstScore = Math.max(worstScore, Math.abs(d.score - w.score));
        if (theirs[i]) faceApiWorstIou = Math.min(faceApiWorstIou, iou(theirs[i]!.box, w.box));
      });
      console.log(
        `[tiny ${backend}] bbt4.jpg@${inputSize} vs reference-outputs.json: worst IoU ${worstIou.toFixed(4)} (face-api 1.7 itself ` +
          `${faceApiWorstIou.toFixed(4)}), worst score diff ${worstScore.toFixed(4)}`,
      );
      // The file comes from face-api.js 0.22 in a browser (canvas resize, integer boxes, 2-digit scores): we must be
      // as close to it as face-api run here on the same tensor input path.
      expect(worstIou).toBeGreaterThanOrEqual(faceApiWorstIou - 0.005);
    },
  );

  it('dogs.jpg: no face at the default threshold', async () => {
    expect(await det.detect(dogs)).toEqual([]);
  });

  it('maxResults and thresholds', async () => {
    const all = await det.detect(bbt4);
    expect(all.length).toBe(6);
    expect(await det.detect(bbt4, { maxResults: 2 })).toEqual(all.slice(0, 2));
    expect((await det.detect(bbt4, { scoreThreshold: 0.85 })).every((d: TinyFaceDetection) => d.score > 0.85)).toBe(true);
    // iouThreshold 0 keeps only the best box (every other box overlaps it at IoU >= 0)
    expect(await det.detect(bbt4, { iouThreshold: 0 })).toEqual(all.slice(0, 1));
  });

  it('frees every intermediate (live tensors back to the baseline)', async () => {
    expect(engine.stats().liveTensors).toBe(baseline);
    await det.detect(images.get('bbt1.jpg')!, { inputSize: 608 });
    await det.detect(dogs);
    expect(engine.stats().liveTensors).toBe(baseline);
    await expect(det.detect(bbt4, { inputSize: 100 })).rejects.toThrow(InvalidArgumentError);
    expect(engine.stats().liveTensors).toBe(baseline);
  });

  it('times detect at 416', async () => {
    const img = images.get('faces.jpg')!;
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await det.detect(img, { inputSize: 416 });
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    console.log(`[tiny ${backend}] detect ${img.width}x${img.height} at 416: median ${ms[2]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)})`);
  });

  it('bad input: typed errors', async () => {
    await expect(det.detect({ width: 0, height: 0, data: new Uint8Array(0) })).rejects.toThrow(/empty image \(0x0\)/);
    await expect(det.detect({ width: 4, height: 4, data: new Uint8Array(10) })).rejects.toThrow(InvalidArgumentError);
    await expect(det.detect(bbt4, { inputSize: 400 })).rejects.toThrow(/inputSize must be a multiple of 32 in \[128, 608\], got 400/);
    await expect(det.detect(bbt4, { inputSize: 96 })).rejects.toThrow(/inputSize must be a multiple of 32 in \[128, 608\], got 96/);
    await expect(det.detect(bbt4, { inputSize: 640 })).rejects.toThrow(/got 640/);
    await expect(det.detect(bbt4, { scoreThreshold: 1.5 })).rejects.toThrow(/scoreThreshold must be a number in \[0, 1\]/);
    await expect(det.detect(bbt4, { iouThreshold: Number.NaN })).rejects.toThrow(/iouThreshold must be a number in \[0, 1\]/);
    await expect(det.detect(bbt4, { maxResults: 0 })).rejects.toThrow(/maxResults must be an integer >= 1/);
    await expect(det.detect(bbt4, { minFaceSize: 20 } as never)).rejects.toThrow(/unknown option 'minFaceSize'/);
    expect(engine.stats().liveTensors).toBe(baseline);
  });
});

describe('TinyFaceDetector weights', () => {
  let engine: Engine;
  let dir: string;
  beforeAll(async () => {
    engine = await createEngine({ backend: 'wasm', log: null });
    dir = mkdtempSync(join(tmpdir(), 'facegpu-tiny-'));
  });
  afterAll(() => {
    engine?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const manifestText = readFileSync(join(MODELS, `${MODEL}-weights_manifest.json`), 'utf8');
  const shard = readFileSync(join(MODELS, `${MODEL}.bin`));

  it('loads from a folder, a manifest path and parsed weights alike', async () => {
    copyFileSync(join(MODELS, `${MODEL}-weights_manifest.json`), join(dir, `${MODEL}-weights_manifest.json`));
    copyFileSync(join(MODELS, `${MODEL}.bin`), join(dir, `${MODEL}.bin`));
    const a = await TinyFaceDetector.load(engine, { modelPath: dir });
    const b = await TinyFaceDetector.load(engine, { weights: parseWeights(manifestText, [shard], { source: 'tiny.json' }) });
    const ra = await a.detect(bbt4);
    expect(ra.length).toBe(6);
    expect(await b.detect(bbt4)).toEqual(ra);
    a.dispose();
    b.dispose();
    expect(engine.stats().liveTensors).toBe(0);
    await expect(a.detect(bbt4)).rejects.toThrow(/disposed/);
  });

  it('a truncated shard (copied manifest in a temp dir) is an InvalidModelFileError naming the shard', async () => {
    const d = mkdtempSync(join(dir, 'trunc-'));
    writeFileSync(join(d, `${MODEL}-weights_manifest.json`), manifestText);
    writeFileSync(join(d, `${MODEL}.bin`), shard.subarray(0, shard.length - 100));
    await expect(TinyFaceDetector.load(engine, { modelPath: d })).rejects.toThrow(InvalidModelFileError);
    await expect(TinyFaceDetector.load(engine, { modelPath: d })).rejects.toThrow(/tiny_face_detector_model\.bin/);
    expect(engine.stats().liveTensors).toBe(0);
  });

  it('a manifest with a wrong shape, a missing shard, the wrong model: typed errors, nothing left on the device', async () => {
    const m = JSON.parse(manifestText);
    m[0].weights.find((w: { name: string }) => w.name === 'conv8/filters').shape = [1, 1, 512, 30];
    const d = mkdtempSync(join(dir, 'shape-'));
    writeFileSync(join(d, 'm-weights_manifest.json'), JSON.stringify(m));
    writeFileSync(join(d, `${MODEL}.bin`), shard);
    await expect(TinyFaceDetector.load(engine, { modelPath: join(d, 'm-weights_manifest.json') })).rejects.toThrow(InvalidModelFileError);
    await expect(TinyFaceDetector.load(engine, { modelPath: join(dir, 'nowhere') })).rejects.toThrow(InvalidModelFileError);
    const lm = 'face_landmark_68_tiny_model';
    const weights = parseWeights(readFileSync(join(MODELS, `${lm}-weights_manifest.json`), 'utf8'), [readFileSync(join(MODELS, `${lm}.bin`))], { source: 'lm.json' });
    await expect(TinyFaceDetector.load(engine, { weights })).rejects.toThrow(/tensor "conv0\/filters"/);
    await expect(TinyFaceDetector.load(engine, { modelPath: dir, weights } as never)).rejects.toThrow(InvalidArgumentError);
    await expect(TinyFaceDetector.load(engine, { path: dir } as never)).rejects.toThrow(/unknown option 'path'/);
    expect(engine.stats().liveTensors).toBe(0);
  });
});

/** Host model of face-api's tensor path: zero-pad to a square at the bottom / right, tfjs resizeBilinear (no corner alignment, no half pixel). */
function padResizeHost(img: RgbaImage, n: number): Float64Array {
  const side = Math.max(img.width, img.height);
  const px = (y: number, x: number, c: number) => (y < img.height && x < img.width ? img.data[(y * img.width + x) * 4 + c]! : 0);
  const out = new Float64Array(n * n * 3);
  for (let oy = 0; oy < n; oy++) {
    const sy = (oy * side) / n;
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, side - 1);
    for (let ox = 0; ox < n; ox++) {
      const sx = (ox * side) / n;
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, side - 1);
      for (let c = 0; c < 3; c++) {
        const top = px(y0, x0, c) + (px(y0, x1, c) - px(y0, x0, c)) * (sx - x0);
        const bottom = px(y1, x0, c) + (px(y1, x1, c) - px(y1, x0, c)) * (sx - x0);
        out[(oy * n + ox) * 3 + c] = top + (bottom - top) * (sy - y0);
      }
    }
  }
  return out;
}

function noise(width: number, height: number, seed: number): RgbaImage {
  let s = seed;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return { width, height, data };
}

describe.each(BACKENDS)('preprocessImage on %s', (backend) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ backend, log: null });
  });
  afterAll(() => engine?.dispose());

  it.each([
    [37, 23, 64],
    [23, 37, 64],
    [37, 23, 16],
    [23, 37, 13],
    [30, 30, 20],
    [30, 30, 30],
    [20, 30, 30],
    [301, 200, 128],
  ])('%ix%i to %i: zero-padded bottom / right, then bilinear as tfjs', async (w, h, n) => {
    const img = noise(w, h, w * 1000 + h * 10 + n);
    const before = engine.stats().liveTensors;
    const { input, geometry } = preprocessImage(engine, img, { size: n });
    expect(input.shape).toEqual([1, n, n, 3]);
    const got = await input.data();
    input.dispose();
    expect(engine.stats().liveTensors).toBe(before);
    const want = padResizeHost(img, n);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-3);
    const k = n / Math.max(w, h);
    expect(geometry).toMatchObject({ width: n, height: n, imageWidth: Math.round(w * k), imageHeight: Math.round(h * k) });
  });

  it('mean / std after padding (pad reads 0 before normalising), and stretch mode', async () => {
    const img = noise(23, 37, 5);
    const mean = [117, 114.5, 97.25] as const;
    const std = [255, 128, 64] as const;
    const { input } = preprocessImage(engine, img, { size: 32, mean, std });
    const got = await input.data();
    input.dispose();
    const want = padResizeHost(img, 32);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - (want[i]! - mean[i % 3]!) / std[i % 3]!));
    expect(worst).toBeLessThan(1e-5);
    const { input: s } = preprocessImage(engine, img, { size: [10, 20], pad: 'none', mean, std });
    expect(s.shape).toEqual([1, 10, 20, 3]);
    s.dispose();
    expect(() => preprocessImage(engine, img, { size: 0 })).toThrow(/size must be an integer in \[1, 16384\]/);
    expect(() => preprocessImage(engine, img, { size: 16, pad: 'centre' as never })).toThrow(/pad must be 'bottom-right' or 'none'/);
    expect(() => preprocessImage(engine, img, { size: 16, std: [1, 0, 1] })).toThrow(/std must be \[r, g, b\]/);
    expect(() => preprocessImage(engine, img, { size: 16, scale: 2 } as never)).toThrow(/unknown option 'scale'/);
    expect(() => preprocessImage(engine, { width: 0, height: 0, data: new Uint8Array(0) }, { size: 16 })).toThrow(/empty image/);
  });
});
