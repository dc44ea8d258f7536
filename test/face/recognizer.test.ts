// FaceRecognizer (src/face/recognizer.ts), the public face API: each call against the networks it wraps, run
// directly on the same engine (same kernels, so results are equal, not close); lazy loading; image inputs (pixels,
// paths, bytes); alignment choices; the bound gallery; no leaked tensors; typed errors for everything bad.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  createFaceRecognizer,
  decodeImage,
  embedAlignedFaces,
  FaceLandmarkNet,
  FaceRecognitionNet,
  FaceRecognizer,
  InvalidArgumentError,
  InvalidModelFileError,
  Mtcnn,
  TinyFaceDetector,
  UnsupportedError,
  type DetectedFace,
  type Engine,
  type RgbaImage,
} from '../../src/index.node.js';
import { autoInputSize } from '../../src/face/recognizer.js';

const root = resolve(__dirname, '../..');
const DATA = resolve(root, '../shared/data');
const MTCNN = join(DATA, 'weights/mtcnn');
const FACES = join(DATA, 'face-api-js/test-images/faces.jpg');
const DOGS = join(DATA, 'detection-dev/dogs.jpg');
const LFW = join(DATA, 'lfw-id40/images');
const lfw = (name: string, i: number) => join(LFW, name, `${name}_${String(i).padStart(4, '0')}.jpg`);

let faces: RgbaImage;
let dogs: RgbaImage;
const people: Record<string, RgbaImage[]> = {};

beforeAll(async () => {
  faces = await decodeImage(FACES);
  dogs = await decodeImage(DOGS);
  for (const p of ['Abdullah_Gul', 'Jennifer_Lopez', 'Tom_Ridge']) people[p] = await Promise.all([2, 3, 4, 6].map((i) => decodeImage(lfw(p, i))));
});

describe.each(['wasm', 'webgpu'] as const)('FaceRecognizer on %s', (backend) => {
  const full = backend === 'wasm';
  let engine: Engine;
  let fr: FaceRecognizer;
  let tiny: TinyFaceDetector;
  let mtcnn: Mtcnn;
  let lm68: FaceLandmarkNet;
  let rec: FaceRecognitionNet;

  beforeAll(async () => {
    engine = await createEngine({ backend, log: null });
    fr = await createFaceRecognizer({ engine, mtcnnModelPath: MTCNN });
    tiny = await TinyFaceDetector.load(engine);
    mtcnn = await Mtcnn.load(engine, { modelPath: MTCNN });
    lm68 = await FaceLandmarkNet.load(engine);
    rec = await FaceRecognitionNet.load(engine);
  });
  afterAll(() => {
    fr?.dispose();
    for (const n of [tiny, mtcnn, lm68, rec]) n?.dispose();
    engine?.dispose();
  });

  it('loads each network on first use only', async () => {
    expect(fr.loadedNetworks).toEqual([]);
    await fr.detect(faces);
    expect(fr.loadedNetworks).toEqual(['tiny']);
    await fr.detect(faces, { withLandmarks: true });
    expect(fr.loadedNetworks).toEqual(['tiny', 'landmarks']);
  });

  it('detect (tiny, default): TinyFaceDetector.detect, best first', async () => {
    const got = await fr.detect(faces);
    const want = await tiny.detect(faces);
    expect(got.length).toBe(6);
    expect(got).toEqual(want.map((d) => ({ box: d.box, score: d.score })));
    for (const o of [{ inputSize: 320, scoreThreshold: 0.3 }, { inputSize: 608, maxResults: 2 }]) {
      expect(await fr.detect(faces, o)).toEqual((await tiny.detect(faces, o)).map((d) => ({ box: d.box, score: d.score })));
    }
  });

  it("inputSize 'auto': the image's longer side rounded up to a multiple of 32, in [128, 608]", async () => {
    expect(autoInputSize({ width: 150, height: 150 })).toBe(160);
    expect(autoInputSize({ width: 500, height: 375 })).toBe(512);
    expect(autoInputSize({ width: 40, height: 30 })).toBe(128);
    expect(autoInputSize({ width: 4000, height: 3000 })).toBe(608);
    const img = people.Abdullah_Gul![0]!;
    expect(await fr.detect(img, { inputSize: 'auto' })).toEqual(await fr.detect(img, { inputSize: 160 }));
  });

  it('withLandmarks: 68 points per face from FaceLandmarkNet on the detected boxes', async () => {
    const got = await fr.detect(faces, { withLandmarks: true });
    const want = await lm68.detectBatch(got.map((f) => ({ image: faces, box: f.box })));
    expect(got.map((f) => f.landmarks)).toEqual(want);
    for (const f of got) expect(f.landmarks).toHaveLength(68);
  });

  if (full) it("withLandmarks 'tiny': FaceLandmark68TinyNet", async () => {
    const got = await fr.detect(faces, { withLandmarks: 'tiny' });
    const net = await FaceLandmarkNet.load(engine, { tiny: true });
    try {
      expect(got.map((f) => f.landmarks)).toEqual(await net.detectBatch(got.map((f) => ({ image: faces, box: f.box }))));
    } finally {
      net.dispose();
    }
    expect(fr.loadedNetworks).toContain('landmarksTiny');
  });

  it('detect (mtcnn): Mtcnn.detect with its 5 landmarks', async () => {
    // The group photo's pyramid is heavy on lavapipe: webgpu runs the 150x150 LFW image only.
    const img = full ? faces : people.Abdullah_Gul![0]!;
    const got = await fr.detect(img, { detector: 'mtcnn' });
    const want = await mtcnn.detect(img);
    expect(got.length).toBe(full ? 6 : 1);
    expect(got).toEqual(want.map((d) => ({ box: d.box, score: d.score, landmarks: d.landmarks })));
    const opts = { minFaceSize: 40, scoreThresholds: [0.5, 0.6, 0.8] };
    expect((await fr.detect(img, { detector: 'mtcnn', ...opts })).length).toBe((await mtcnn.detect(img, opts)).length);
  });

  if (full) it('dogs.jpg: no face at the default thresholds (tiny and mtcnn)', async () => {
    expect(await fr.detect(dogs)).toEqual([]);
    expect(await fr.detect(dogs, { detector: 'mtcnn' })).toEqual([]);
  });

  it('embed: whole image, box crop, and aligned from 5 or 68 landmarks', async () => {
    const img = people.Abdullah_Gul![0]!;
    expect(await fr.embed(img)).toEqual(await rec.embed(img));
    const [face] = await fr.detect(img, { inputSize: 'auto', withLandmarks: true });
    expect(await fr.embed(img, face!.box)).toEqual(await rec.embed(img, face!.box));
    expect(await fr.embed(img, face, { align: false })).toEqual(await rec.embed(img, face!.box));
    const aligned = (await embedAlignedFaces(rec, img, [face!.landmarks!])).descriptors[0]!;
    expect(await fr.embed(img, face)).toEqual(aligned); // default: align when there are landmarks
    // align: true on a bare box computes the 68 points first.
    expect(await fr.embed(img, face!.box, { align: true })).toEqual(aligned);
    const [m] = await fr.detect(img, { detector: 'mtcnn' });
    expect(m!.landmarks).toHaveLength(5);
    const d = await fr.embed(img, m);
    expect(d).toEqual((await embedAlignedFaces(rec, img, [m!.landmarks!])).descriptors[0]);
    expect(d).toBeInstanceOf(Float32Array);
    expect(d.length).toBe(128);
  });

  it('embedAll: mixed aligned and cropped faces come back in order', async () => {
    const dets = await fr.detect(faces, { withLandmarks: true });
    const mixed = dets.map((f, i) => (i % 2 ? f.box : f));
    const got = await fr.embedAll(faces, mixed);
    // One batch vs one face at a time: kernels may block differently by batch size (float rounding only).
    const l2 = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((v, i) => v - b[i]!));
    for (const [i, f] of mixed.entries()) expect(l2(got[i]!, await fr.embed(faces, f))).toBeLessThan(1e-4);
    expect(await fr.embedAll(faces, [])).toEqual([]);
  });

  it('detectAndEmbed: each detected face with its descriptor', async () => {
    const got = await fr.detectAndEmbed(faces, { withLandmarks: true });
    const dets = await fr.detect(faces, { withLandmarks: true });
    expect(got.map(({ descriptor: _, ...f }) => f)).toEqual(dets);
    const want = await fr.embedAll(faces, dets);
    got.forEach((f, i) => expect(f.descriptor).toEqual(want[i]));
  });

  it('same person closer than different people (aligned descriptors)', async () => {
    const d = async (img: RgbaImage) => (await fr.largestFaceDescriptor(img, { inputSize: 'auto', withLandmarks: true })).descriptor;
    const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((v, i) => v - b[i]!));
    const a0 = await d(people.Abdullah_Gul![0]!);
    const a1 = await d(people.Abdullah_Gul![1]!);
    const j0 = await d(people.Jennifer_Lopez![0]!);
    expect(dist(a0, a1)).toBeLessThan(0.6);
    expect(dist(a0, j0)).toBeGreaterThan(0.6);
  });

  it('no leaked tensors: detect / embed / gallery calls return the engine to its baseline', async () => {
    await fr.preload(['tiny', 'mtcnn', 'landmarks', 'recognition']);
    const base = engine.stats().liveTensors;
    await fr.detect(faces, { withLandmarks: true });
    await fr.detect(full ? faces : people.Tom_Ridge![0]!, { detector: 'mtcnn' });
    await fr.detectAndEmbed(faces, { withLandmarks: true });
    await fr.embed(faces);
    await fr.detect(dogs);
    expect(engine.stats().liveTensors).toBe(base);
  });

  if (full) it('images as a file path or encoded bytes (Node) give the same result as pixels', async () => {
    const want = await fr.detect(faces);
    expect(await fr.detect(FACES)).toEqual(want);
    expect(await fr.detect(readFileSync(FACES))).toEqual(want);
    expect(await fr.embed(FACES, want[0]!.box)).toEqual(await fr.embed(faces, want[0]!.box));
  });

  if (full) it('gallery(): enrol from images, identify images and faces, save and continue', async () => {
    const g = fr.gallery({ detect: { inputSize: 'auto', withLandmarks: true } });
    for (const [name, imgs] of Object.entries(people)) await g.enroll(name, imgs.slice(0, 3));
    expect(g.size).toBe(3);
    expect(g.count).toBe(9);
    for (const [name, imgs] of Object.entries(people)) {
      const r = await g.identify(imgs[3]!);
      expect(r.unknown).toBe(false);
      expect(r.matches[0]!.name).toBe(name);
    }
    // A descriptor and { image, face } work as well.
    const [face] = await fr.detect(people.Tom_Ridge![3]!, { inputSize: 'auto', withLandmarks: true });
    expect((await g.identify(await fr.embed(people.Tom_Ridge![3]!, face))).matches[0]!.name).toBe('Tom_Ridge');
    await g.enroll('Tom_Ridge', [{ image: people.Tom_Ridge![3]!, face }]);
    expect(g.embeddings('Tom_Ridge')).toHaveLength(4);
    // Strangers in a group photo: every face identified, all unknown.
    const found = await g.identifyFaces(faces, { k: 2 });
    expect(found).toHaveLength(6);
    for (const f of found) {
      expect(f.result.unknown).toBe(true);
      expect(f.result.nearest).not.toBeNull();
    }
    const again = fr.gallery({ bytes: g.toBytes() });
    expect(again.names).toEqual(g.names);
    expect((await again.identify(people.Jennifer_Lopez![3]!)).matches[0]!.name).toBe('Jennifer_Lopez');
    await expect(g.enroll('Nobody', [dogs])).rejects.toThrow(/no face found in the 900x916 image/);
    expect(g.has('Nobody')).toBe(false);
  });
});

describe('FaceRecognizer: creation, engines, lifetime', () => {
  it('creates its own engine and frees it on dispose; a borrowed engine stays open', async () => {
    const fr = await createFaceRecognizer({ backend: 'wasm', log: null });
    expect(fr.backend).toBe('wasm');
    await fr.detect(faces);
    fr.dispose();
    fr.dispose(); // twice is fine
    expect(() => fr.engine.tensor([1], [1])).toThrow(/used after dispose/);
    await expect(fr.detect(faces)).rejects.toThrow(/FaceRecognizer.detect: used after dispose/);

    const engine = await createEngine({ backend: 'wasm', log: null });
    const before = engine.stats().liveTensors;
    const fr2 = await createFaceRecognizer({ engine });
    await fr2.detectAndEmbed(faces, { withLandmarks: true });
    expect(engine.stats().liveTensors).toBeGreaterThan(before);
    fr2.dispose();
    expect(engine.stats().liveTensors).toBe(before);
    engine.dispose();
  });

  it('concurrent first calls load a network once', async () => {
    const engine = await createEngine({ backend: 'wasm', log: null });
    const fr = await createFaceRecognizer({ engine });
    const [a, b] = await Promise.all([fr.detect(faces), fr.detect(faces)]);
    expect(a).toEqual(b);
    expect(fr.loadedNetworks).toEqual(['tiny']);
    fr.dispose();
    expect(engine.stats().liveTensors).toBe(0);
    engine.dispose();
  });

  it('modelPath: a folder of face-api manifests (or one manifest in it)', async () => {
    const dir = join(root, 'node_modules/@vladmandic/face-api/model');
    for (const modelPath of [dir, `${dir}/`, join(dir, 'tiny_face_detector_model-weights_manifest.json')]) {
      const fr = await createFaceRecognizer({ backend: 'wasm', log: null, modelPath });
      expect((await fr.detect(faces)).length).toBe(6);
      fr.dispose();
    }
  });

  it('a failed model load is a typed error and is retried on the next call', async () => {
    const fr = await createFaceRecognizer({ backend: 'wasm', log: null, modelPath: join(root, 'test/face') });
    await expect(fr.detect(faces)).rejects.toThrow(InvalidModelFileError);
    await expect(fr.detect(faces)).rejects.toThrow(/tiny_face_detector_model-weights_manifest\.json/);
    expect(fr.loadedNetworks).toEqual([]);
    fr.dispose();
  });
});

describe('FaceRecognizer: typed errors', () => {
  let fr: FaceRecognizer;
  beforeAll(async () => {
    fr = await createFaceRecognizer({ backend: 'wasm', log: null });
  });
  afterAll(() => fr?.dispose());

  it('bad creation options', async () => {
    await expect(createFaceRecognizer({ backend: 'cuda' as never })).rejects.toThrow(/backend must be/);
    await expect(createFaceRecognizer({ gpu: true } as never)).rejects.toThrow(/unknown option 'gpu'/);
    await expect(createFaceRecognizer({ modelPath: '' })).rejects.toThrow(/modelPath must be a non-empty string/);
    await expect(createFaceRecognizer(null as never)).rejects.toThrow(InvalidArgumentError);
    const engine = await createEngine({ backend: 'wasm', log: null });
    await expect(createFaceRecognizer({ engine, backend: 'wasm' })).rejects.toThrow(/engine or backend/);
    engine.dispose();
    await expect(createFaceRecognizer({ engine })).rejects.toThrow(/the engine was disposed/);
    await expect(createFaceRecognizer({ engine: {} as never })).rejects.toThrow(/engine must be an Engine/);
  });

  it('bad detect options name the option and the detector', async () => {
    await expect(fr.detect(faces, { detector: 'ssd' as never })).rejects.toThrow(/detector must be 'tiny' or 'mtcnn', got "ssd"/);
    await expect(fr.detect(faces, { minFaceSize: 20 })).rejects.toThrow(/'minFaceSize' is an option of detector 'mtcnn', not 'tiny'/);
    await expect(fr.detect(faces, { detector: 'mtcnn', inputSize: 416 })).rejects.toThrow(/'inputSize' is an option of detector 'tiny'/);
    await expect(fr.detect(faces, { foo: 1 } as never)).rejects.toThrow(/unknown option 'foo'/);
    await expect(fr.detect(faces, { inputSize: 100 })).rejects.toThrow(/inputSize must be a multiple of 32/);
    await expect(fr.detect(faces, { inputSize: 'big' as never })).rejects.toThrow(/inputSize must be a multiple of 32/);
    await expect(fr.detect(faces, { scoreThreshold: Number.NaN })).rejects.toThrow(/scoreThreshold must be a number in \[0, 1\]/);
    await expect(fr.detect(faces, { withLandmarks: 'yes' as never })).rejects.toThrow(/withLandmarks must be true, false or 'tiny'/);
    await expect(fr.detect(faces, 'tiny' as never)).rejects.toThrow(/options must be an object/);
  });

  it("mtcnn without weights says how to give them", async () => {
    await expect(fr.detect(faces, { detector: 'mtcnn' })).rejects.toThrow(/mtcnnModelPath/);
    await expect(fr.detect(faces, { detector: 'mtcnn' })).rejects.toThrow(InvalidArgumentError);
  });

  it('bad images: empty, huge, wrong buffer, corrupt or missing file', async () => {
    await expect(fr.detect({ width: 0, height: 0, data: new Uint8Array(0) })).rejects.toThrow(/empty image \(0x0\)/);
    await expect(fr.detect({ width: 30000, height: 30000, data: new Uint8Array(4) })).rejects.toThrow(/30000x30000 is too large/);
    await expect(fr.detect({ width: 2, height: 2, data: new Uint8Array(3) })).rejects.toThrow(/needs 16 bytes, got 3/);
    await expect(fr.detect(null as never)).rejects.toThrow(InvalidArgumentError);
    const jpeg = readFileSync(FACES);
    await expect(fr.detect(jpeg.subarray(0, 2000))).rejects.toThrow(/cannot decode/);
    await expect(fr.detect(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))).rejects.toThrow(InvalidArgumentError);
    await expect(fr.detect('/no/such/file.jpg')).rejects.toThrow(/file not found/);
    await expect(fr.embed('/no/such/file.jpg')).rejects.toThrow(/file not found/);
  });

  it('bad faces and embed options', async () => {
    await expect(fr.embed(faces, { x: 0, y: 0, width: 0, height: 10 })).rejects.toThrow(/empty box \(0x10\)/);
    await expect(fr.embed(faces, { x: Number.NaN, y: 0, width: 1, height: 1 })).rejects.toThrow(/finite numbers/);
    await expect(fr.embed(faces, { x: 5000, y: 5000, width: 10, height: 10 })).rejects.toThrow(/holds no whole pixel/);
    await expect(fr.embed(faces, 'face' as never)).rejects.toThrow(/expected a detection/);
    const bad = { box: { x: 10, y: 10, width: 50, height: 50 }, score: 1, landmarks: [{ x: 1, y: 2 }] } as DetectedFace;
    await expect(fr.embed(faces, bad)).rejects.toThrow(/landmarks must be 5 or 68 points/);
    await expect(fr.embed(faces, undefined, { align: 'yes' } as never)).rejects.toThrow(/align must be a boolean/);
    await expect(fr.embed(faces, undefined, { crop: true } as never)).rejects.toThrow(/unknown option 'crop'/);
    await expect(fr.embedAll(faces, 'x' as never)).rejects.toThrow(/faces must be an array/);
    await expect(fr.largestFaceDescriptor(dogs)).rejects.toThrow(/no face found/);
  });

  it('bad gallery options and bytes', () => {
    expect(() => fr.gallery({ metric: 'manhattan' as never })).toThrow(/metric must be one of/);
    expect(() => fr.gallery({ detect: 'tiny' as never })).toThrow(/detect must be detect\(\) options or false/);
    expect(() => fr.gallery({ cache: true } as never)).toThrow(/unknown option 'cache'/);
    expect(() => fr.gallery({ bytes: new Uint8Array(20) })).toThrow(InvalidModelFileError);
    const bytes = fr.gallery().toBytes();
    expect(() => fr.gallery({ bytes, metric: 'cosine' })).toThrow(/come from the saved gallery/);
  });

  it('preload: unknown network', async () => {
    await expect(fr.preload(['ssd' as never])).rejects.toThrow(/unknown network 'ssd'/);
  });

  it('paths and bytes are Node-only inputs: in a browser they are an UnsupportedError', async () => {
    const proc = globalThis.process;
    const versions = proc.versions;
    Object.defineProperty(proc, 'versions', { value: {}, configurable: true });
    try {
      await expect(fr.image('/x.jpg')).rejects.toThrow(UnsupportedError);
    } finally {
      Object.defineProperty(proc, 'versions', { value: versions, configurable: true });
    }
  });
});
