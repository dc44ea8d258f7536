// MTCNN on our kernels against face-api.js: its expected boxes, scores and tolerances (reference-outputs.json, from
// its MTCNN tests on faces.jpg) and its 5-point landmarks (test-data/mtcnnFaceLandmarkPositions.json), on every
// backend; backends against each other; no leaked tensors; typed errors for bad images, options and weight files;
// and the host-side geometry (NMS 'union' / 'min', pyramid, regression, crop rectangles) on hand-made boxes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  cropAndResize,
  decodeImage,
  InvalidArgumentError,
  InvalidModelFileError,
  loadWeightsFromFile,
  Mtcnn,
  resize,
  type Engine,
  type MtcnnDetectOptions,
  type MtcnnFace,
  type RgbaImage,
} from '../../src/index.node.js';
import { calibrate, cellBox, cropRect, nms, overlap, pyramidBox, pyramidScales, round, toSquare, type Box } from '../../src/face/mtcnn/boxes.js';

const root = resolve(__dirname, '../..');
const DATA = resolve(root, '../shared/data');
const WEIGHTS = join(DATA, 'weights/mtcnn');
const MANIFEST = join(WEIGHTS, 'mtcnn_model-weights_manifest.json');
const IMAGE = join(DATA, 'face-api-js/test-images/faces.jpg');

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Point {
  x: number;
  y: number;
}
interface RefCase {
  options: MtcnnDetectOptions;
  count: number;
  expectedScores: number[];
  maxScoreDelta: number;
  maxBoxDelta: number;
  maxLandmarksDelta: number;
}
const REF = JSON.parse(readFileSync(join(DATA, 'face-api-js/reference-outputs.json'), 'utf8')).mtcnn as {
  expectedBoxes: Rect[];
  cases: RefCase[];
};
const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
const ORIGIN = { x: 0, y: 0 };
// face-api's pairing: expected boxes sorted by distance of (x, y) to the origin, landmark sets by their first point.
const EXPECTED_LANDMARKS = (JSON.parse(readFileSync(join(DATA, 'face-api-js/test-data/mtcnnFaceLandmarkPositions.json'), 'utf8')) as Point[][])
  .slice()
  .sort((a, b) => dist(a[0]!, ORIGIN) - dist(b[0]!, ORIGIN));

/** face-api's comparison (test/utils.ts): results sorted by box distance to the origin, paired in order. */
function parity(faces: MtcnnFace[], c: RefCase) {
  const sorted = faces.slice().sort((a, b) => dist(a.box, ORIGIN) - dist(b.box, ORIGIN));
  let box = 0;
  let size = 0;
  let score = 0;
  let landmark = 0;
  sorted.forEach((f, i) => {
    const want = REF.expectedBoxes[i]!;
    box = Math.max(box, dist(f.box, want));
    size = Math.max(size, dist({ x: f.box.width, y: f.box.height }, { x: want.width, y: want.height }));
    score = Math.max(score, Math.abs(f.score - c.expectedScores[i]!));
    f.landmarks.forEach((p, j) => (landmark = Math.max(landmark, dist(p, EXPECTED_LANDMARKS[i]![j]!))));
  });
  return { box, size, score, landmark };
}

const BACKENDS = [
  { name: 'wasm-simd', options: { backend: 'wasm', wasmVariant: 'simd' } },
  { name: 'wasm-relaxed', options: { backend: 'wasm', wasmVariant: 'relaxed-simd' } },
  { name: 'webgpu', options: { backend: 'webgpu' } },
] as const;

let image: RgbaImage;
const results = new Map<string, MtcnnFace[][]>();

beforeAll(async () => {
  image = await decodeImage(IMAGE);
});

describe.each(BACKENDS)('Mtcnn on $name', ({ name, options }) => {
  let engine: Engine;
  let mtcnn: Mtcnn;
  let baseline: number;

  beforeAll(async () => {
    engine = await createEngine({ ...options, log: null });
    baseline = engine.stats().liveTensors;
    mtcnn = await Mtcnn.load(engine, { modelPath: WEIGHTS });
    results.set(name, []);
  });
  afterAll(() => {
    mtcnn?.dispose();
    engine?.dispose();
  });

  it.each(REF.cases.map((c, i) => ({ ...c, i, label: JSON.stringify(c.options) })))(
    'matches face-api.js on faces.jpg with $label within its tolerances',
    async (c) => {
      const faces = await mtcnn.detect(image, c.options);
      results.get(name)![c.i] = faces;
      expect(faces).toHaveLength(c.count);
      const p = parity(faces, c);
      const ms = mtcnn.lastStats!.totalMs;
      console.log(
        `mtcnn parity ${name} ${c.label}: box ${p.box.toFixed(2)} / size ${p.size.toFixed(2)} px (max ${c.maxBoxDelta}), ` +
          `landmarks ${p.landmark.toFixed(2)} px (max ${c.maxLandmarksDelta}), score ${p.score.toFixed(4)} (max ${c.maxScoreDelta}); ${ms.toFixed(0)} ms`,
      );
      expect(p.box).toBeLessThan(c.maxBoxDelta);
      expect(p.size).toBeLessThan(c.maxBoxDelta);
      expect(p.landmark).toBeLessThan(c.maxLandmarksDelta);
      expect(p.score).toBeLessThan(c.maxScoreDelta);
      for (const f of faces) {
        expect(Number.isInteger(f.box.x) && Number.isInteger(f.box.width)).toBe(true);
        expect(f.landmarks).toHaveLength(5);
      }
    },
  );

  it('detect leaves no tensor behind; dispose frees the weights', async () => {
    const loaded = engine.stats().liveTensors;
    expect(loaded).toBeGreaterThan(baseline);
    await mtcnn.detect(image);
    expect(engine.stats().liveTensors).toBe(loaded);
    // Early exits (no scale, no candidate) and a failing call leave nothing either.
    await mtcnn.detect({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 4) });
    await mtcnn.detect({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 4).fill(255) });
    await expect(mtcnn.detect(image, { minFaceSize: -1 })).rejects.toThrow(InvalidArgumentError);
    expect(engine.stats().liveTensors).toBe(loaded);
    const extra = await Mtcnn.load(engine, { weights: await loadWeightsFromFile(MANIFEST) });
    extra.dispose();
    expect(engine.stats().liveTensors).toBe(loaded);
  });

  it("pyramid levels (cropAndResize of pyramidBox) equal tfjs resizeBilinear ('asymmetric' resize)", async () => {
    const [h, w] = [37, 53];
    const x = engine.tensor(Float32Array.from({ length: h * w * 4 }, (_, i) => Math.sin(i * 0.37) * 2), [1, h, w, 4]);
    for (const s of [0.6, 0.4254, 0.3016, 0.709]) {
      const [oh, ow] = [Math.floor(h * s), Math.floor(w * s)];
      const want = resize(engine, x, { size: [oh, ow], coordinateTransform: 'asymmetric' });
      const box = engine.tensor(pyramidBox(w, h, ow, oh), [1, 4]);
      const got = cropAndResize(engine, x, box, { size: [oh, ow] });
      const [a, b] = [await got.data(), await want.data()];
      // The sample coordinates differ by f32 rounding only (|s| < 53: ~1e-5 px, times steps of at most 4).
      expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0)).toBeLessThan(1e-4);
      [want, box, got].forEach((t) => t.dispose());
    }
    x.dispose();
  });

  it('warm detect timings (faces.jpg 710x473, defaults)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await mtcnn.detect(image);
      times.push(performance.now() - t);
    }
    const s = mtcnn.lastStats!;
    console.log(
      `mtcnn timing ${name}: median ${times.sort((a, b) => a - b)[1]!.toFixed(0)} ms (stage 1 ${s.stage1Ms.toFixed(0)}, ` +
        `stage 2 ${s.stage2Ms.toFixed(0)}, stage 3 ${s.stage3Ms.toFixed(0)} ms; ${s.scales.length} scales, ${s.stage1Boxes} -> ${s.stage2Boxes} -> ${s.faces})`,
    );
  });
});

describe('Mtcnn across backends', () => {
  it('wasm-simd, wasm-relaxed and webgpu find the same faces', () => {
    const [a, ...others] = BACKENDS.map((b) => results.get(b.name)!);
    for (const b of others) {
      REF.cases.forEach((_, ci) => {
        const fa = a![ci]!;
        const fb = b[ci]!;
        expect(fb).toHaveLength(fa.length);
        fa.forEach((f, i) => {
          const g = fb[i]!;
          // Boxes are rounded: an f32 difference at a .5 can move an edge by a pixel.
          expect(dist(f.box, g.box)).toBeLessThanOrEqual(Math.SQRT2);
          expect(Math.abs(f.box.width - g.box.width)).toBeLessThanOrEqual(1);
          expect(Math.abs(f.score - g.score)).toBeLessThan(1e-3);
          f.landmarks.forEach((p, j) => expect(dist(p, g.landmarks[j]!)).toBeLessThan(1.5));
        });
      });
    }
  });
});

describe('Mtcnn edge cases and errors', () => {
  let engine: Engine;
  let mtcnn: Mtcnn;
  let tmp: string;

  beforeAll(async () => {
    engine = await createEngine({ backend: 'wasm', log: null });
    mtcnn = await Mtcnn.load(engine, { modelPath: MANIFEST });
    tmp = mkdtempSync(join(tmpdir(), 'mtcnn-'));
  });
  afterAll(() => {
    mtcnn?.dispose();
    engine?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('returns no faces for images too small for P-Net and for a blank image', async () => {
    expect(await mtcnn.detect({ width: 12, height: 40, data: new Uint8Array(12 * 40 * 4) })).toEqual([]);
    expect(mtcnn.lastStats!.scales).toEqual([]);
    const white = await decodeImage(join(DATA, 'face-api-js/test-images/white.png'));
    expect(await mtcnn.detect(white)).toEqual([]);
  });

  it('handles faces cut by the image border (crops are clipped, not padded)', async () => {
    // The left 150 columns of faces.jpg: the face at x 70..182 loses its right part.
    const w = 150;
    const data = new Uint8Array(w * image.height * 4);
    for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width * 4, (y * image.width + w) * 4), y * w * 4);
    const faces = await mtcnn.detect({ width: w, height: image.height, data });
    for (const f of faces) {
      expect([f.box.x, f.box.y, f.box.width, f.box.height, f.score].every(Number.isFinite)).toBe(true);
      expect(f.landmarks.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    }
  });

  it('scaleSteps replaces the pyramid (face-api test: all 6 faces)', async () => {
    const faces = await mtcnn.detect(image, { scaleSteps: [0.6, 0.4, 0.2, 0.15, 0.1, 0.08, 0.02] });
    expect(mtcnn.lastStats!.scales).toEqual([0.6, 0.4, 0.2, 0.15, 0.1, 0.08]); // 0.02: 9 px, under P-Net's 12
    expect(faces).toHaveLength(6);
    const p = parity(faces, { ...REF.cases[0]!, expectedScores: [1, 1, 1, 1, 1, 1] });
    expect(p.box).toBeLessThan(15);
    expect(p.landmark).toBeLessThan(15);
  });

  it('rejects bad images with InvalidArgumentError', async () => {
    await expect(mtcnn.detect({ width: 0, height: 0, data: new Uint8Array(0) })).rejects.toThrow(/Mtcnn.detect: image: empty image \(0x0\)/);
    await expect(mtcnn.detect({ width: 30000, height: 30000, data: new Uint8Array(4) })).rejects.toThrow(/30000x30000 is too large/);
    await expect(mtcnn.detect({ width: 4, height: 4, data: new Uint8Array(10) })).rejects.toThrow(/needs 64 bytes, got 10/);
    await expect(mtcnn.detect(null as unknown as RgbaImage)).rejects.toThrow(InvalidArgumentError);
  });

  it('rejects bad options with InvalidArgumentError', async () => {
    const bad: [unknown, RegExp][] = [
      [{ minFaceSize: 0 }, /minFaceSize must be a number > 0/],
      [{ minFaceSize: NaN }, /minFaceSize must be a number > 0/],
      [{ scaleFactor: 1 }, /scaleFactor must be a number in \(0, 1\)/],
      [{ scoreThresholds: [0.6, 0.7] }, /scoreThresholds must be 3 numbers in \[0, 1\]/],
      [{ scoreThresholds: [0.6, 0.7, 2] }, /scoreThresholds must be 3 numbers/],
      [{ maxNumScales: 0 }, /maxNumScales must be an integer >= 1/],
      [{ scaleSteps: [0.5, -1] }, /scaleSteps must be an array of numbers > 0/],
      [{ minFaceSise: 20 }, /unknown option 'minFaceSise'/],
    ];
    for (const [o, msg] of bad) {
      const e = await mtcnn.detect(image, o as MtcnnDetectOptions).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(msg);
    }
  });

  it('load: a source is required, options are checked, a disposed model refuses to run', async () => {
    await expect(Mtcnn.load(engine)).rejects.toThrow(/Mtcnn.load: pass \{ modelPath \}/);
    await expect(Mtcnn.load(engine, { modelPath: WEIGHTS, path: 'x' } as never)).rejects.toThrow(/unknown option 'path'/);
    await expect(Mtcnn.load(engine, { weights: {} as never })).rejects.toThrow(InvalidArgumentError);
    const m = await Mtcnn.load(engine, { modelPath: WEIGHTS });
    m.dispose();
    await expect(m.detect(image)).rejects.toThrow(/Mtcnn.detect: used after dispose\(\)/);
  });

  /** A copy of the weights folder with its manifest and shard passed through `edit`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function variant(name: string, edit: (manifest: any, shard: Buffer) => Buffer): string {
    const dir = join(tmp, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const shard = edit(manifest, readFileSync(join(WEIGHTS, 'mtcnn_model-shard1')));
    writeFileSync(join(dir, 'mtcnn_model-weights_manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'mtcnn_model-shard1'), shard);
    return dir;
  }

  it('rejects broken weight files with InvalidModelFileError naming the problem', async () => {
    const live = engine.stats().liveTensors;
    const truncated = variant('truncated', (_, shard) => shard.subarray(0, shard.length - 1000));
    const e = await Mtcnn.load(engine, { modelPath: truncated }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidModelFileError);
    expect((e as Error).message).toMatch(/tensor "onet\/fc2_3\/weights" .* shard "mtcnn_model-shard1" has only 9280 bytes left.*truncated/);
    // Same number of values, another layout: the shape check catches it and names the tensor.
    const reshaped = variant('reshaped', (m, shard) => {
      const e = m[0].weights.find((w: { name: string }) => w.name === 'rnet/fc1/weights');
      e.shape = [128, 576];
      return shard;
    });
    await expect(Mtcnn.load(engine, { modelPath: reshaped })).rejects.toThrow(/"rnet\/fc1\/weights".*\[128, ?576\].*\[576, ?128\]/);
    const missing = variant('missing', (m, shard) => {
      m[0].weights = m[0].weights.filter((w: { name: string }) => w.name !== 'onet/fc2_3/bias');
      return shard.subarray(0, shard.length - 40);
    });
    await expect(Mtcnn.load(engine, { modelPath: missing })).rejects.toThrow(/"onet\/fc2_3\/bias" is missing/);
    await expect(Mtcnn.load(engine, { modelPath: join(tmp, 'nowhere') })).rejects.toThrow(/mtcnn_model-weights_manifest.json does not exist/);
    // Another model's weights (TinyFaceDetector): not MTCNN.
    const tiny = join(root, 'node_modules/@vladmandic/face-api/model/tiny_face_detector_model-weights_manifest.json');
    await expect(Mtcnn.load(engine, { modelPath: tiny })).rejects.toThrow(/"pnet\/conv1\/weights" is missing/);
    // Nothing uploaded by the failed loads.
    expect(engine.stats().liveTensors).toBe(live);
  });
});

describe('MTCNN host geometry (face-api.js semantics)', () => {
  const B = (left: number, top: number, right: number, bottom: number): Box => ({ left, top, right, bottom });

  it('NMS: union keeps both of two half-overlapping boxes at 0.5, drops them at 0.3; ties go to the later box', () => {
    const boxes = [B(0, 0, 10, 10), B(5, 0, 15, 10), B(100, 100, 110, 110)];
    // IoU of the first two: 50 / 150 = 1/3.
    expect(overlap(boxes[0]!, boxes[1]!, 'union')).toBeCloseTo(1 / 3, 12);
    expect(nms(boxes, [0.9, 0.8, 0.7], 0.5)).toEqual([0, 1, 2]);
    expect(nms(boxes, [0.9, 0.8, 0.7], 0.3)).toEqual([0, 2]);
    expect(nms(boxes, [0.8, 0.9, 0.7], 0.3)).toEqual([1, 2]);
    expect(nms(boxes, [0.5, 0.5, 0.5], 0.3)).toEqual([2, 1]);
    // Exactly at the threshold is kept (face-api drops only overlap > threshold).
    expect(nms(boxes, [0.9, 0.8, 0.7], 1 / 3)).toEqual([0, 1, 2]);
  });

  it("NMS 'min': a box inside a bigger one is suppressed although their IoU is small", () => {
    const boxes = [B(0, 0, 100, 100), B(10, 10, 30, 30)];
    expect(overlap(boxes[0]!, boxes[1]!, 'union')).toBeCloseTo(0.04, 12);
    expect(overlap(boxes[0]!, boxes[1]!, 'min')).toBe(1);
    expect(nms(boxes, [0.9, 0.95], 0.7, 'union')).toEqual([1, 0]);
    expect(nms(boxes, [0.9, 0.95], 0.7, 'min')).toEqual([1]);
  });

  it('pyramid: 12 / minFaceSize times scaleFactor^k, levels over 12 px, at most maxNumScales', () => {
    const s = pyramidScales(20, 0.709, 473, 710, 10);
    expect(s).toHaveLength(9); // the 10th level is 12 px high: not over 12
    s.forEach((v, k) => expect(v).toBeCloseTo(0.6 * 0.709 ** k, 12));
    expect(pyramidScales(20, 0.709, 473, 710, 3)).toEqual(s.slice(0, 3));
    expect(pyramidScales(80, 0.709, 473, 710, 10)[0]).toBe(0.15);
    expect(pyramidScales(20, 0.709, 19, 1000, 10)).toEqual([]);
  });

  it('P-Net cells, regression, square-ing and rounding', () => {
    expect(cellBox(3, 5, 0.5)).toEqual(B(14, 22, 36, 44));
    // A 10 x 20 box widens to 20 x 20 around its centre.
    expect(toSquare(B(0, 0, 10, 20))).toEqual(B(-5, 0, 15, 20));
    // Rounding rounds x, y and the size (not the far edges).
    expect(round(B(0.4, 0.6, 10.5, 10.5))).toEqual(B(0, 1, 10, 11));
    // Offsets are fractions of the box size per edge.
    // (12, 8, 32, 32) is 20 x 24: squared to (10, 8, 34, 32).
    expect(calibrate(B(10, 10, 30, 30), [0.1, -0.1, 0.1, 0.1])).toEqual(B(10, 8, 34, 32));
  });

  it('crop rectangles: from (left - 1, top - 1) to (right, bottom), clipped to the image', () => {
    expect(cropRect(B(10, 20, 30, 40), 100, 100)).toEqual([9, 19, 30, 40]);
    expect(cropRect(B(-5, -3, 30, 140), 100, 100)).toEqual([0, 0, 30, 100]);
    expect(cropRect(B(90, 90, 120, 130), 100, 100)).toEqual([89, 89, 100, 100]);
    // A box wholly outside still yields a 1-pixel crop inside the image.
    expect(cropRect(B(150, 150, 170, 170), 100, 100)).toEqual([99, 99, 100, 100]);
  });
});
