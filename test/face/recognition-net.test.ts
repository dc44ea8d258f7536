// FaceRecognitionNet on our kernels against face-api: @vladmandic/face-api run in this test (tfjs wasm backend) on
// the same input crops, and face-api.js's own expected descriptors (test-data/faceDescriptor*.json).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, decodeImage, loadWeightsFromFile, parseWeights, InvalidArgumentError, InvalidModelFileError } from '../../src/index.node.js';
import type { Engine } from '../../src/runtime/engine.js';
import type { RgbaImage } from '../../src/face/image.js';
import type { FaceBox } from '../../src/face/nets/face-input.js';
import { FaceRecognitionNet } from '../../src/face/recognition-net.js';
import { FACE_API_MODELS, loadFaceApi, type Any } from '../support/face-api.js';

const root = resolve(__dirname, '../..');
const DATA = resolve(root, '../shared/data/face-api-js');
const MODELS = FACE_API_MODELS;
const IMAGES = ['face1.png', 'face2.png', 'face_rectangular.png'] as const;
const FILES: Record<(typeof IMAGES)[number], string> = {
  'face1.png': 'faceDescriptor1.json',
  'face2.png': 'faceDescriptor2.json',
  'face_rectangular.png': 'faceDescriptorRect.json',
};
/** Crops of faces.jpg (face-api's TinyFaceDetector boxes there, one partly outside after growing it). */
const CROPS: FaceBox[] = [
  { x: 54, y: 33, width: 134, height: 114 },
  { x: 430.6, y: 183.2, width: 162.5, height: 143.9 },
  { x: 600, y: 60, width: 150, height: 150 },
];

type Vec = ArrayLike<number>;
const l2 = (a: Vec, b: Vec): number => Math.sqrt(Array.from(a).reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));

// ---- face-api (node-wasm build) as the reference: test/support/face-api.ts ------------------------------------

/** face-api's descriptor of `img` (whole image, or the box cropped as its extractFaceTensors does). */
async function faceApiDescriptor(faceapi: Any, img: RgbaImage, box?: FaceBox): Promise<Float32Array> {
  const tf = faceapi.tf;
  const rgb = new Int32Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = img.data[i * 4 + c]!;
  const t = tf.tensor3d(rgb, [img.height, img.width, 3], 'int32');
  const crops = box ? await faceapi.extractFaceTensors(t, [new faceapi.Rect(box.x, box.y, box.width, box.height)]) : [t];
  const d = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(crops[0]);
  crops.forEach((c: Any) => c !== t && c.dispose());
  t.dispose();
  return d;
}

// ---- fixtures --------------------------------------------------------------------------------------------------
const images = new Map<string, RgbaImage>();
let faces: RgbaImage;
let faceapi: Any;
const ref = new Map<string, Float32Array>();

beforeAll(async () => {
  for (const f of IMAGES) images.set(f, await decodeImage(join(DATA, 'test-images', f)));
  faces = await decodeImage(join(DATA, 'test-images/faces.jpg'));
  faceapi = await loadFaceApi(['faceRecognitionNet']);
  for (const f of IMAGES) ref.set(f, await faceApiDescriptor(faceapi, images.get(f)!));
  for (const [i, b] of CROPS.entries()) ref.set(`crop${i}`, await faceApiDescriptor(faceapi, faces, b));
});

const BACKENDS = ['wasm', 'webgpu'] as const;

describe.each(BACKENDS)('FaceRecognitionNet on %s', (backend) => {
  let engine: Engine;
  let net: FaceRecognitionNet; // inputDivisor 256 (dlib, face-api.js)
  let net255: FaceRecognitionNet; // inputDivisor 255, as @vladmandic/face-api

  beforeAll(async () => {
    engine = await createEngine({ backend, log: null });
    const weights = await loadWeightsFromFile(join(MODELS, 'face_recognition_model-weights_manifest.json'));
    net = await FaceRecognitionNet.load(engine, { weights });
    net255 = await FaceRecognitionNet.load(engine, { modelPath: MODELS, inputDivisor: 255 });
    // The first call builds every pipeline (slow on lavapipe): do it under the hook's longer timeout.
    await net.embed(images.get('face1.png')!);
  });
  afterAll(() => {
    net?.dispose();
    net255?.dispose();
    engine?.dispose();
  });

  it.each(IMAGES)('%s: within L2 1e-3 of face-api run on the same image', async (f) => {
    const d = await net255.embed(images.get(f)!);
    expect(d).toBeInstanceOf(Float32Array);
    expect(d.length).toBe(128);
    const dist = l2(d, ref.get(f)!);
    console.log(`[recognition ${backend}] ${f}: L2 to face-api ${dist.toExponential(2)}`);
    expect(dist).toBeLessThan(1e-3);
  });

  it.each(CROPS.map((b, i) => [i, b] as const))('faces.jpg crop %i: within L2 1e-3 of face-api extractFaceTensors + descriptor', async (i, box) => {
    const d = await net255.embed(faces, box);
    const dist = l2(d, ref.get(`crop${i}`)!);
    console.log(`[recognition ${backend}] faces.jpg crop ${i}: L2 to face-api ${dist.toExponential(2)}`);
    expect(dist).toBeLessThan(1e-3);
  });

  it.each(IMAGES)("%s: as close to face-api.js's expected descriptor as face-api itself", async (f) => {
    const want = JSON.parse(readFileSync(join(DATA, 'test-data', FILES[f]), 'utf8')) as number[];
    const d = await net.embed(images.get(f)!);
    const ours = l2(d, want);
    const theirs = l2(ref.get(f)!, want);
    console.log(`[recognition ${backend}] ${f}: L2 to ${FILES[f]} ours ${ours.toFixed(4)}, face-api 1.7 ${theirs.toFixed(4)}`);
    // The file came from face-api.js 0.22 in a browser (canvas input); today's face-api lands ~0.04 from it, the
    // tests there allow 0.1. We must be no further than face-api is (plus the /256 vs /255 difference).
    expect(ours).toBeLessThan(theirs + 0.005);
    expect(ours).toBeLessThan(0.1);
  });

  it('embedBatch equals embed one by one, one readback', async () => {
    const crops = [{ image: images.get('face1.png')! }, { image: faces, box: CROPS[0] }, { image: images.get('face_rectangular.png')! }];
    const batch = await net.embedBatch(crops);
    expect(batch.length).toBe(3);
    for (const [i, c] of crops.entries()) expect(l2(batch[i]!, await net.embed(c.image, c.box))).toBeLessThan(1e-5);
  });

  it('frees every intermediate (live tensors back to the baseline)', async () => {
    await net.embed(faces, CROPS[1]);
    const before = engine.stats().liveTensors;
    await net.embed(faces, CROPS[1]);
    await net.embedBatch([{ image: faces, box: CROPS[0] }, { image: images.get('face2.png')! }]);
    expect(engine.stats().liveTensors).toBe(before);
    // and a failed call leaks nothing either
    await expect(net.embed(faces, { x: 1e5, y: 0, width: 10, height: 10 })).rejects.toThrow(InvalidArgumentError);
    expect(engine.stats().liveTensors).toBe(before);
  });

  it('times embed at 150', async () => {
    const img = images.get('face1.png')!;
    await net.embed(img);
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await net.embed(img);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    console.log(`[recognition ${backend}] embed 150x150: median ${ms[2]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)})`);
  });

  it('bad input: typed errors', async () => {
    const img = images.get('face1.png')!;
    await expect(net.embed(img, { x: 10, y: 10, width: 0, height: 0 })).rejects.toThrow(/empty box \(0x0\)/);
    await expect(net.embed(img, { x: 200, y: 10, width: 40, height: 40 })).rejects.toThrow(/holds no whole pixel/);
    await expect(net.embed(img, { x: -50, y: -50, width: 40, height: 40 })).rejects.toThrow(InvalidArgumentError);
    await expect(net.embed(img, { x: Number.NaN, y: 0, width: 4, height: 4 })).rejects.toThrow(/box.x must be a finite number/);
    await expect(net.embed({ width: 0, height: 0, data: new Uint8Array(0) })).rejects.toThrow(/empty image/);
    await expect(net.embed({ width: 4, height: 4, data: new Uint8Array(10) })).rejects.toThrow(InvalidArgumentError);
    await expect(net.embedBatch([])).rejects.toThrow(/no faces/);
    expect(() => net.forward(engine.tensor(new Float32Array(112 * 112 * 3), [1, 112, 112, 3]))).toThrow(/\[n, 150, 150, 3\]/);
  });
});

describe('FaceRecognitionNet weights', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ backend: 'wasm', log: null });
  });
  afterAll(() => engine?.dispose());

  const manifest = (m: string): string => readFileSync(join(MODELS, `${m}-weights_manifest.json`), 'utf8');
  const shard = (m: string): Uint8Array => readFileSync(join(MODELS, `${m}.bin`));

  it('a truncated shard is an InvalidModelFileError, and nothing stays on the device', async () => {
    const bin = shard('face_recognition_model');
    expect(() => parseWeights(manifest('face_recognition_model'), [bin.subarray(0, bin.length - 1000)], { source: 'rec.json' })).toThrow(
      InvalidModelFileError,
    );
    await expect(FaceRecognitionNet.load(engine, { modelPath: '/nonexistent/dir' })).rejects.toThrow(InvalidModelFileError);
  });

  it('the landmark weights are refused with a typed error naming the missing tensor', async () => {
    const weights = parseWeights(manifest('face_landmark_68_model'), [shard('face_landmark_68_model')], { source: 'lm.json' });
    const before = engine.stats().liveTensors;
    await expect(FaceRecognitionNet.load(engine, { weights })).rejects.toThrow(/tensor "conv32_down\/conv\/filters" is missing/);
    expect(engine.stats().liveTensors).toBe(before);
  });

  it('bad options are typed errors; a disposed net refuses work', async () => {
    await expect(FaceRecognitionNet.load(engine, { inputDivisor: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(FaceRecognitionNet.load(engine, { nope: 1 } as never)).rejects.toThrow(/unknown option 'nope'/);
    const net = await FaceRecognitionNet.load(engine);
    net.dispose();
    await expect(net.embed({ width: 2, height: 2, data: new Uint8Array(16) })).rejects.toThrow(/disposed/);
  });
});
