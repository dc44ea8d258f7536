// The video recogniser (fr.video(), src/video/video-recognizer.ts): end to end on elon-musk-smoke.gif (one stable
// track, the enrolled identity on every frame against LFW distractors), detection every k-th frame, the event
// sequence on injected detections with known identities (start, update, lost, resume, end), typed errors, and
// memory that stays flat over a 10,000-frame stream (engine buffers and tensors, and the JS heap).
import { resolve, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFaceRecognizer,
  decodeImage,
  FaceGallery,
  gifFrames,
  InvalidArgumentError,
  type FaceRecognizer,
  type RecognizerGallery,
  type RgbaImage,
  type SourceFrame,
  type VideoDetection,
  type VideoEvent,
  type VideoResult,
} from '../../src/index.node.js';
import { mulberry32 } from '../support/random.js';

const root = resolve(__dirname, '../..');
const DATA = resolve(root, '../shared/data');
const GIF = join(DATA, 'video/elon-musk-smoke.gif');
const lfw = (name: string, i: number) => join(DATA, 'lfw-id40/images', name, `${name}_${String(i).padStart(4, '0')}.jpg`);
const DISTRACTORS = ['Abdullah_Gul', 'Arnold_Schwarzenegger', 'Bill_McBride', 'Carlos_Moya', 'Gerhard_Schroeder', 'Hamid_Karzai'];
const ENROL_FRAMES = 5;

let fr: FaceRecognizer;
let gallery: RecognizerGallery;
let gifImages: RgbaImage[];

beforeAll(async () => {
  fr = await createFaceRecognizer({ backend: 'wasm', log: null });
  gifImages = [];
  for await (const f of await gifFrames(GIF)) gifImages.push(f.image);
  // Enrol the GIF's person from its first frames (the largest face of each), plus LFW people as distractors.
  gallery = fr.gallery({ detect: { detector: 'tiny', withLandmarks: true, inputSize: 'auto' } });
  await gallery.enroll('elon', gifImages.slice(0, ENROL_FRAMES));
  for (const p of DISTRACTORS) {
    const ds: Float32Array[] = [];
    for (let i = 1; i <= 10 && ds.length < 3; i++) {
      const [face] = (await fr.detectAndEmbed(await decodeImage(lfw(p, i)), { withLandmarks: true })).sort((a, b) => b.box.width - a.box.width);
      if (face) ds.push(face.descriptor);
    }
    expect(ds.length).toBe(3);
    gallery.add(p, ds);
  }
});
afterAll(() => {
  gallery?.dispose();
  fr?.dispose();
});

async function run(results: AsyncIterable<VideoResult>): Promise<VideoResult[]> {
  const out: VideoResult[] = [];
  for await (const r of results) out.push(r);
  return out;
}

const ofType = <T extends VideoEvent['type']>(rs: VideoResult[], type: T) => rs.flatMap((r) => r.events.filter((e) => e.type === type)) as Extract<VideoEvent, { type: T }>[];

describe('fr.video on elon-musk-smoke.gif', () => {
  it.each([['mean'], ['rean-gru (the default)']] as const)('one stable confirmed track, named elon on every frame, against 6 LFW distractors (%s aggregator)', async (kind) => {
    const vr = kind === 'mean' ? fr.video({ gallery, aggregator: 'mean' }) : fr.video({ gallery });
    const progress: number[] = [];
    const rs = await run(vr.recognizeVideo(GIF, { onProgress: (p) => progress.push(p.frames * 1000 + (p.total ?? 0)) }));
    vr.dispose();
    expect(rs.length).toBe(36); // 35 frames + the final step
    expect(progress).toEqual([...Array(35).keys()].map((i) => (i + 1) * 1000 + 35));
    const starts = ofType(rs, 'track-start');
    expect(starts.map((e) => [e.trackId, e.frame])).toEqual([[1, 2]]); // confirmed at its third detection
    expect(ofType(rs, 'track-lost')).toEqual([]);
    expect(ofType(rs, 'track-resume')).toEqual([]);
    const ends = ofType(rs, 'track-end');
    expect(ends.map((e) => [e.trackId, e.identity, e.firstFrame, e.lastFrame])).toEqual([[1, 'elon', 0, 34]]);
    expect(rs.at(-1)!.frame).toBeNull();
    const updates = ofType(rs, 'track-update');
    const table = updates.map((u) => `${u.frame}:${u.trackId}:${u.identity}:${u.distance!.toFixed(3)}:${u.detected ? 'D' : 'P'}`);
    console.log(`GIF, ${kind} aggregator: frame:track:identity:distance:(D)etected/(P)redicted\n${table.join(' ')}`);
    // Every frame from the confirmation on: exactly the one track, detected, named elon within the threshold.
    expect(updates.map((u) => u.frame)).toEqual([...Array(33).keys()].map((i) => i + 2));
    for (const u of updates) {
      expect([u.trackId, u.identity, u.detected]).toEqual([1, 'elon', true]);
      expect(u.distance!).toBeLessThan(gallery.threshold);
      expect(u.confidence).toBeGreaterThan(0.5);
      expect(u.box.width).toBeGreaterThan(80);
    }
    // The track embedding beats single frames: the farthest single-frame distance to elon's enrolment is larger
    // than the farthest aggregated one (smoke frames pull single frames away).
    const single = await gallery.identifyBatch(
      (await Promise.all(gifImages.map((im) => fr.largestFaceDescriptor(im, { withLandmarks: true, inputSize: 'auto' })))).map((d) => d.descriptor),
      { k: DISTRACTORS.length + 1, threshold: 10 },
    );
    const singleElon = single.map((r) => r.matches.find((m) => m.name === 'elon')!.distance);
    console.log(`single-frame distances to elon: ${singleElon.map((d) => d.toFixed(3)).join(' ')}`);
    expect(Math.max(...updates.map((u) => u.distance!))).toBeLessThan(Math.max(...singleElon));
  });

  it('detectEvery 3 with the quality aggregator: the track coasts between detections, same id and identity', async () => {
    const vr = fr.video({ gallery, aggregator: 'quality', detectEvery: 3, tracker: { minHits: 2 } });
    const rs2 = await run(vr.recognizeVideo(await gifFrames(GIF)));
    vr.dispose();
    const updates = ofType(rs2, 'track-update');
    expect(ofType(rs2, 'track-start').map((e) => [e.trackId, e.frame])).toEqual([[1, 3]]);
    expect(new Set(updates.map((u) => u.trackId))).toEqual(new Set([1]));
    expect(updates.length).toBe(32); // frames 3..34
    for (const u of updates) {
      expect(u.identity).toBe('elon');
      expect(u.detected).toBe(u.frame % 3 === 0);
      if (!u.detected) expect(u.score).toBeNull();
    }
  });
});

// ---- injected detections ------------------------------------------------------------------------------------

/** A random person: a 128-d descriptor of norm ~1.4 (FaceRecognitionNet's scale) and noisy views of it. */
function person(rand: () => number): { base: Float32Array; view: () => Float32Array } {
  const b = Float32Array.from({ length: 128 }, () => rand() - 0.5);
  const n = Math.hypot(...b);
  const base = b.map((v) => (v / n) * 1.4);
  return { base, view: () => base.map((v) => v + 0.03 * (rand() - 0.5)) };
}
const sq = (cx: number, cy: number, s = 12) => ({ x: cx - s / 2, y: cy - s / 2, width: s, height: s });
const blank = (w = 64, h = 48): RgbaImage => ({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(128) });

describe('fr.video with injected detections (detectFaces)', () => {
  it('events: start, update, lost, resume (same id, by embedding), end; identities from the gallery', async () => {
    const rand = mulberry32(9);
    const ann = person(rand);
    const bob = person(rand);
    const g = new FaceGallery();
    g.add('ann', [ann.base]);
    g.add('bob', [bob.base]);
    const script = (f: number): VideoDetection[] => {
      const out: VideoDetection[] = [{ box: sq(10 + f * 0.2, 20), score: 0.9, descriptor: ann.view() }];
      // Bob is there for frames 0-9, away 10-24, back elsewhere from 25.
      if (f < 10) out.push({ box: sq(50, 30), score: 0.8, descriptor: bob.view() });
      if (f >= 25) out.push({ box: sq(20, 38), score: 0.8, descriptor: bob.view() });
      return out;
    };
    const vr = fr.video({ gallery: g, detectFaces: (fr_) => script(fr_.index), tracker: { maxMissed: 3, maxLostFrames: 100 } });
    const events: VideoEvent[] = [];
    for (let f = 0; f < 30; f++) events.push(...(await vr.push({ image: blank(), timestamp: f * 40, index: f })));
    events.push(...(await vr.end()));
    const brief = events.filter((e) => e.type !== 'track-update').map((e) => `${e.type}:${e.trackId}:${e.identity}@${e.frame}`);
    expect(brief).toEqual(['track-start:1:ann@2', 'track-start:2:bob@2', 'track-lost:2:bob@12', 'track-resume:2:bob@25', 'track-end:1:ann@29', 'track-end:2:bob@29']);
    expect(events.at(-1)!.timestamp).toBe(29 * 40);
    const upd = events.filter((e) => e.type === 'track-update');
    expect(upd.filter((e) => e.trackId === 1).length).toBe(28);
    // Bob coasts (predicted, not detected) for his missed rounds 10 and 11, then is lost until 25.
    expect(upd.filter((e) => e.trackId === 2).map((e) => e.frame)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 25, 26, 27, 28, 29]);
    for (const e of upd) expect(e.identity).toBe(e.trackId === 1 ? 'ann' : 'bob');
    expect(vr.frameCount).toBe(30);
    vr.dispose();
    g.dispose();
  });

  it('descriptors left out are computed by FaceRecognitionNet, aligned from the landmarks; no gallery, no identity', async () => {
    const img = gifImages[10]!;
    const [face] = await fr.detect(img, { withLandmarks: true, inputSize: 'auto' });
    const want = await fr.embed(img, face); // aligned from the 68 points
    const g = new FaceGallery();
    g.add('x', [want]);
    const detectFaces = () => [{ box: face!.box, score: face!.score, landmarks: face!.landmarks! }];
    const vr = fr.video({ gallery: g, detectFaces, tracker: { minHits: 1 } });
    const ev = await vr.push(img);
    // One frame: the track embedding is that descriptor (normalised and rescaled to its own norm): distance ~0.
    expect(ev.map((e) => [e.type, e.trackId, e.identity])).toEqual([['track-start', 1, 'x'], ['track-update', 1, 'x']]);
    expect(ev[0]!.distance!).toBeLessThan(1e-5);
    vr.dispose();
    const bare = fr.video({ detectFaces, tracker: { minHits: 1 } });
    const ev2 = await bare.push(img);
    expect(ev2.map((e) => [e.type, e.trackId, e.identity, e.distance, e.confidence])).toEqual([['track-start', 1, null, null, 0], ['track-update', 1, null, null, 0]]);
    bare.dispose();
    g.dispose();
  });

  it('typed errors', async () => {
    expect(() => fr.video({ detectEvery: 0 })).toThrow(/detectEvery must be an integer >= 1/);
    expect(() => fr.video({ aggregator: 'lstm' as never })).toThrow(/aggregator must be one of/);
    expect(() => fr.video({ bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
    expect(() => fr.video({ gallery: {} as never })).toThrow(/gallery must be a FaceGallery/);
    const vr = fr.video({ detectFaces: () => [{ box: sq(5, 5), score: 2, descriptor: new Float32Array(128) }] });
    await expect(vr.push(blank())).rejects.toThrow(/score must be in \[0, 1\]/);
    await expect(vr.push({ width: 2, height: 2, data: new Uint8Array(5) })).rejects.toThrow(InvalidArgumentError);
    vr.dispose();
    await expect(vr.push(blank())).rejects.toThrow(/used after dispose/);
  });
});

// ---- memory over a long stream ------------------------------------------------------------------------------

describe.each([
  // wasm: FaceRecognitionNet on every 100th frame; webgpu (lavapipe runs it ~10x slower): every 1000th.
  ['wasm', 100],
  ['webgpu', 1000],
] as const)('memory over 10,000 frames on %s', (backend, netEvery) => {
  let rec: FaceRecognizer;
  beforeAll(async () => {
    rec = backend === 'wasm' ? fr : await createFaceRecognizer({ backend, log: null });
  });
  afterAll(() => {
    if (rec !== fr) rec?.dispose();
  });

  it('engine buffers (pooled too) / tensors equal and the JS heap flat between frame 1,000 and frame 10,000', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const rand = mulberry32(1);
    const alice = person(rand);
    const others = Array.from({ length: 25 }, () => person(rand));
    // A gallery searched by GEMM on the engine (gemmMinRows 1) so every identification runs kernels.
    const g = rec.gallery({ gemmMinRows: 1 });
    g.add('alice', [alice.base]);
    others.slice(0, 5).forEach((p, i) => g.add(`p${i}`, [p.base]));
    const image = blank(48, 48);
    // Alice circles all the time; a new visitor comes every 400 frames for 300 frames (a new track each, which
    // ends 30 frames after it leaves). On every netEvery-th frame Alice's descriptor is left out, so
    // FaceRecognitionNet runs (on a blank crop: its descriptor fails the appearance gate and starts a tentative
    // track that is dropped).
    const detectFaces = (fr_: SourceFrame): VideoDetection[] => {
      const f = fr_.index;
      const a = f / 50;
      const out: VideoDetection[] = [{ box: sq(16 + 4 * Math.cos(a), 16 + 4 * Math.sin(a), 14), score: 0.9 }];
      if (f % netEvery !== 50) out[0]!.descriptor = alice.view();
      const k = Math.floor(f / 400);
      if (f % 400 < 300) out.push({ box: sq(34, 30 + (f % 400) / 100, 12), score: 0.7, descriptor: others[k % others.length]!.view() });
      return out;
    };
    const vr = rec.video({ gallery: g, detectFaces, detectEvery: 2, maxFramesPerTrack: 16, tracker: { maxLostFrames: 30 } });
    const t0 = performance.now();
    let at1k: { stats: ReturnType<FaceRecognizer['engine']['stats']>; heap: number } | undefined;
    let starts = 0;
    let ends = 0;
    const aliceTracks = new Set<number>();
    let aliceFrames = 0;
    for (let f = 0; f < 10_000; f++) {
      const ev = await vr.push({ image, timestamp: f * 33, index: f });
      for (const e of ev) {
        if (e.type === 'track-start') starts++;
        if (e.type === 'track-end') ends++;
        if (e.type === 'track-update' && e.identity === 'alice') {
          aliceFrames++;
          aliceTracks.add(e.trackId);
        }
      }
      if (f === 999) {
        gc();
        at1k = { stats: rec.engine.stats(), heap: process.memoryUsage().heapUsed };
      }
    }
    gc();
    const stats = rec.engine.stats();
    const heap = process.memoryUsage().heapUsed;
    const ms = performance.now() - t0;
    console.log(`${backend}: 10,000 frames in ${(ms / 1000).toFixed(1)} s; at 1k: ${JSON.stringify(at1k!.stats)} heap ${(at1k!.heap / 1e6).toFixed(2)} MB; at 10k: ${JSON.stringify(stats)} heap ${(heap / 1e6).toFixed(2)} MB; starts ${starts} ends ${ends}`);
    // Engine: not one buffer, pooled buffer, byte or tensor more than after the first 1,000 frames.
    expect(stats.liveTensors).toBe(at1k!.stats.liveTensors);
    expect(stats.allocations).toBe(at1k!.stats.allocations);
    expect(stats.pooled).toBe(at1k!.stats.pooled);
    expect(stats.bytes).toBe(at1k!.stats.bytes);
    expect(stats.submits).toBeGreaterThanOrEqual(at1k!.stats.submits + 4500); // the GEMM search ran on all 4,500 detection frames
    // Heap: 9,000 more frames and 22 more tracks started and ended may not add 2 MB (a track's ring of 16
    // descriptors is 8 KB; a leak of one descriptor per frame would add 4.6 MB).
    expect(heap - at1k!.heap).toBeLessThan(2e6);
    expect(starts).toBe(1 + 25);
    expect(ends).toBe(25);
    expect(vr.tracks.length).toBe(1);
    // Alice: one track all along, named on every frame from its confirmation (third detection: frame 4).
    expect(aliceTracks.size).toBe(1);
    expect(aliceFrames).toBe(10_000 - 4);
    // (No speed assertion: the time is printed above; speed belongs to bench/, and a loaded box took 51 s here.)
    vr.dispose();
    g.dispose();
  }, 120_000);
});
