// Face alignment (src/face/align.ts): the similarity fit and dlib's chip geometry by hand, the chips on wasm and
// webgpu against exact values (a linear ramp image samples to its own coordinates), dlib's own chips
// (../shared/data/dlib-johns: re-aligning a dlib chip with its landmarks gives it back), and embeddings of LFW faces
// with and without alignment.
//
// Fixtures (test/face/fixtures/): MTCNN's 5 points (our Mtcnn, default options) of
//   lfw-id40-mtcnn5.json   the face nearest the centre of each lfw-id40 image (380 of 400; MTCNN finds none in 20),
//                          with its box (x, y, width, height) and score;
//   dlib-johns-mtcnn5.json each dlib-johns chip padded by 75 px (edge replicated, so MTCNN sees the whole face),
//                          points shifted back to chip pixels (46 of 55 chips).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, decodeImage, InvalidArgumentError } from '../../src/index.node.js';
import type { Engine } from '../../src/runtime/engine.js';
import type { RgbaImage } from '../../src/face/image.js';
import {
  alignFace,
  alignFaces,
  embedAlignedFaces,
  faceAlignTransform,
  FACE_TEMPLATES,
  IBUG68_ALIGN_POINTS,
  similarityTransform,
  type FaceAlignTransform,
  type LandmarkPoint,
} from '../../src/face/align.js';
import { FaceLandmarkNet } from '../../src/face/landmark-net.js';
import { FaceRecognitionNet } from '../../src/face/recognition-net.js';
import { calibrateFromSet } from '../../src/face/calibrate.js';

const root = resolve(__dirname, '../..');
const SHARED = resolve(root, '../shared/data');
const LFW = join(SHARED, 'lfw-id40/images');
const JOHNS = join(SHARED, 'dlib-johns');

type Fx = Record<string, { box: [number, number, number, number]; score: number; points: number[] }>;
const lfwFx: Fx = JSON.parse(readFileSync(join(__dirname, 'fixtures/lfw-id40-mtcnn5.json'), 'utf8'));
const johnsFx: Record<string, number[]> = JSON.parse(readFileSync(join(__dirname, 'fixtures/dlib-johns-mtcnn5.json'), 'utf8'));
const pts5 = (a: number[]): LandmarkPoint[] => [0, 1, 2, 3, 4].map((i) => ({ x: a[2 * i]!, y: a[2 * i + 1]! }));
const apply = (t: readonly number[], x: number, y: number): [number, number] => [t[0]! * x + t[1]! * y + t[2]!, t[3]! * x + t[4]! * y + t[5]!];
const close = (got: number, want: number, tol: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(tol);

/** A similarity (scale s, angle a, translation tx, ty) applied to points. */
const place = (ps: LandmarkPoint[], s: number, a: number, tx: number, ty: number) =>
  ps.map((p) => ({ x: s * (Math.cos(a) * p.x - Math.sin(a) * p.y) + tx, y: s * (Math.sin(a) * p.x + Math.cos(a) * p.y) + ty }));
/** A layout's template in chip pixels (size 150, padding 0.25). */
const chipTemplate = (layout: keyof typeof FACE_TEMPLATES) =>
  FACE_TEMPLATES[layout].map((p) => ({ x: ((0.25 + p.x) / 1.5) * 150, y: ((0.25 + p.y) / 1.5) * 150 }));

describe('the fit (host math)', () => {
  it('similarityTransform recovers an exact similarity; least squares under noise', () => {
    const from = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 3, y: 7 },
      { x: -4, y: 5 },
    ];
    const to = place(from, 2, Math.PI / 6, 10, -5);
    const { m, residual } = similarityTransform(from, to);
    close(m[0]!, 2 * Math.cos(Math.PI / 6), 1e-12);
    close(m[1]!, 2 * Math.sin(Math.PI / 6), 1e-12);
    close(m[8]!, 10, 1e-12);
    close(m[9]!, -5, 1e-12);
    close(residual, 0, 1e-12);
    // Symmetric noise (+e, -e on mirrored points) cancels out of the fit; the residual is its size.
    const noisy = to.map((p, i) => ({ x: p.x + (i % 2 ? 0.1 : -0.1), y: p.y }));
    expect(similarityTransform(from, noisy).residual).toBeGreaterThan(0.05);
    expect(() => similarityTransform([{ x: 1, y: 1 }, { x: 1, y: 1 }], to.slice(0, 2))).toThrow(/source points all coincide/);
  });

  it("landmarks exactly on the template: dlib's chip is the image shifted half a pixel", () => {
    // dlib centres the rect on the template point (size / 2, size / 2), which chip pixel (size - 1) / 2 samples.
    for (const layout of ['mtcnn5', 'dlib5'] as const) {
      const t = faceAlignTransform(chipTemplate(layout), { layout });
      for (const [got, want] of t.toImage.map((v, i) => [v, [1, 0, 0.5, 0, 1, 0.5][i]!])) close(got!, want!, 1e-9);
      close(t.scale, 1, 1e-12);
      close(t.residual, 0, 1e-9);
    }
    // 68 points: only 27-54 and 60-64 count; the rest may be anywhere.
    const t68 = chipTemplate('ibug68').map((p, i) => (IBUG68_ALIGN_POINTS.includes(i) ? p : { x: 1000 * i, y: -7 }));
    const t = faceAlignTransform(t68);
    for (const [got, want] of t.toImage.map((v, i) => [v, [1, 0, 0.5, 0, 1, 0.5][i]!])) close(got!, want!, 1e-9);
  });

  it("a placed face: dlib's rect geometry, hand-computed", () => {
    const [s, a, tx, ty] = [2, (20 * Math.PI) / 180, 300, 200];
    const lm = place(chipTemplate('mtcnn5'), s, a, tx, ty);
    const t = faceAlignTransform(lm);
    close(t.angle, a, 1e-12);
    // Chip pixels 0 .. 149 span size * s - 1 = 299 image pixels; the centre (75, 75) of the template frame sits at
    // the rect centre, which chip pixel 74.5 samples.
    const step = (150 * s - 1) / 149;
    close(t.scale, step, 1e-12);
    const [cx, cy] = [s * (Math.cos(a) * 75 - Math.sin(a) * 75) + tx, s * (Math.sin(a) * 75 + Math.cos(a) * 75) + ty];
    for (const [j, i] of [[0, 0], [149, 0], [37, 120], [74.5, 74.5]]) {
      const [x, y] = apply(t.toImage, j!, i!);
      const [dx, dy] = [(j! - 74.5) * step, (i! - 74.5) * step];
      close(x, cx + Math.cos(a) * dx - Math.sin(a) * dy, 1e-9);
      close(y, cy + Math.sin(a) * dx + Math.cos(a) * dy, 1e-9);
    }
    // toChip inverts toImage; the landmarks land near the template (exactly, up to dlib's (s size - 1) / (size - 1)).
    const back = lm.map((p) => apply(t.toChip, p.x, p.y));
    chipTemplate('mtcnn5').forEach((p, k) => {
      close(back[k]![0], 74.5 + ((p.x - 75) * s) / step, 1e-9);
      close(back[k]![1], 74.5 + ((p.y - 75) * s) / step, 1e-9);
    });
  });

  it('rejects bad landmarks and options with typed errors', () => {
    const lm = chipTemplate('mtcnn5');
    expect(() => faceAlignTransform(lm.slice(0, 4))).toThrow(/faceAlignTransform: expected 5 \(MTCNN\) or 68 \(iBUG\) landmarks, got 4/);
    expect(() => faceAlignTransform(lm, { layout: 'ibug68' })).toThrow(/expected 68 landmarks for layout 'ibug68', got 5/);
    expect(() => faceAlignTransform([...lm.slice(0, 4), { x: NaN, y: 1 }])).toThrow(/landmark 4 must be \{ x, y \} with finite numbers/);
    expect(() => faceAlignTransform(lm.map(() => ({ x: 3, y: 3 })))).toThrow(/landmarks are degenerate/);
    expect(() => faceAlignTransform(lm, { size: 0 })).toThrow(/size must be an integer in \[2, 4096\], got 0/);
    expect(() => faceAlignTransform(lm, { padding: -1 })).toThrow(/padding must be a finite number in \[0, 10\], got -1/);
    expect(() => faceAlignTransform(lm, { layout: 'mtcnn' as never })).toThrow(/layout must be one of mtcnn5, dlib5, ibug68/);
    expect(() => faceAlignTransform(lm, { border: 'wrap' as never })).toThrow(/border must be one of zero, replicate/);
    expect(() => faceAlignTransform(lm, { sise: 150 } as never)).toThrow(/unknown option 'sise'/);
    expect(() => faceAlignTransform(lm, { template: [{ x: 0, y: 0 }] })).toThrow(/template must be an array of >= 2/);
    expect(() => faceAlignTransform(lm, { template: [{ x: 0, y: 0 }, { x: 1, y: 0 }] })).toThrow(/expected 2 landmarks for the template, got 5/);
    expect(() => faceAlignTransform(lm, { template: lm, layout: 'mtcnn5' })).toThrow(/give a layout or a template, not both/);
    expect(() => faceAlignTransform(lm.map((p) => ({ x: p.x * 1e-3, y: p.y * 1e-3 })))).toThrow(/the face is under a pixel wide/);
    expect(() => faceAlignTransform('eyes' as never)).toThrow(InvalidArgumentError);
  });
});

/** 256 x 256 RGBA: R = x, G = y, B = 255 - x: bilinear sampling of it is exact, so a chip pixel is its coordinates. */
function ramp(w = 256, h = 256): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) data.set([x & 255, y & 255, 255 - (x & 255), 255], (y * w + x) * 4);
  }
  return { width: w, height: h, data };
}

/** Checks chip pixels whose source point lies `margin` px inside the image: [R, G, B] = [sx, sy, 255 - sx]. */
function expectRampChip(chip: Float32Array, t: FaceAlignTransform, margin: number, tol: number): number {
  let checked = 0;
  for (let i = 0; i < t.size; i++) {
    for (let j = 0; j < t.size; j++) {
      const [x, y] = apply(t.toImage, j, i);
      if (x < margin || y < margin || x > 255 - margin || y > 255 - margin) continue;
      const o = (i * t.size + j) * 3;
      if (Math.abs(chip[o]! - x) > tol || Math.abs(chip[o + 1]! - y) > tol || Math.abs(chip[o + 2]! - (255 - x)) > tol) {
        throw new Error(`chip pixel (${i}, ${j}) = ${Array.from(chip.subarray(o, o + 3))}, want ${[x, y, 255 - x]}`);
      }
      checked++;
    }
  }
  return checked;
}

describe('chips on wasm and webgpu', () => {
  const engines: { name: string; engine: Engine }[] = [];
  let lfwImg: RgbaImage;
  beforeAll(async () => {
    engines.push({ name: 'wasm', engine: await createEngine({ backend: 'wasm', log: null }) });
    engines.push({ name: 'webgpu', engine: await createEngine({ backend: 'webgpu', log: null }) });
    lfwImg = await decodeImage(join(LFW, 'Abdullah_Gul/Abdullah_Gul_0001.jpg'));
  });
  afterAll(() => engines.forEach((e) => e.engine.dispose()));

  it('a rotated, scaled face on a ramp image: every chip pixel is its source coordinates', async () => {
    const img = ramp();
    // Scale 0.8 (no halving), 25 degrees; 2.5 (one 2x2 halving), -40 degrees; 5 (two halvings): the halved images
    // of a linear ramp are the same ramp at the blocks' centres, so all three sample exactly.
    const faces = [
      place(chipTemplate('mtcnn5'), 0.8, (25 * Math.PI) / 180, 70, 40),
      place(chipTemplate('mtcnn5'), 2.5, (-40 * Math.PI) / 180, -136, 105),
      place(chipTemplate('mtcnn5'), 5, 0.3, -120, -340),
    ];
    // Margins keep the taps (and the halved blocks, and the rows a 'valid' 2x2 pool drops) inside the image; f32
    // coordinates near 256: 2e-3.
    const margins = [1, 3, 8];
    const counts = [150 * 150, 5000, 1000];
    for (const { name, engine } of engines) {
      const base = engine.stats().liveTensors;
      const { chips, transforms } = alignFaces(engine, img, faces);
      expect(chips.shape).toEqual([3, 150, 150, 3]);
      expect(transforms.map((t) => Math.round(t.scale * 100) / 100)).toEqual([0.8, 2.51, 5.03]);
      const d = await chips.data();
      chips.dispose();
      expect(engine.stats().liveTensors, `${name}: leak`).toBe(base);
      const n = 150 * 150 * 3;
      // The batch (levels differ: one dispatch per level, concatenated in order) and each face on its own.
      for (let f = 0; f < 3; f++) {
        expect(expectRampChip(d.subarray(f * n, (f + 1) * n), transforms[f]!, margins[f]!, 2e-3), `${name} face ${f}`).toBeGreaterThanOrEqual(counts[f]!);
        const one = alignFace(engine, img, faces[f]!);
        expect(one.chip.shape).toEqual([1, 150, 150, 3]);
        expect(expectRampChip(await one.chip.data(), one.transform, margins[f]!, 2e-3), `${name} face ${f} alone`).toBeGreaterThanOrEqual(counts[f]!);
        one.chip.dispose();
      }
      expect(engine.stats().liveTensors, `${name}: leak`).toBe(base);
    }
  });

  it("border: zero outside the image (dlib's black), or the edge replicated", async () => {
    const img = ramp();
    // A face at the top-left corner: the chip's top-left quarter is outside the image.
    const lm = place(chipTemplate('mtcnn5'), 1, 0, -75, -75);
    for (const { name, engine } of engines) {
      const zero = alignFace(engine, img, lm);
      const rep = alignFace(engine, img, lm, { border: 'replicate' });
      const [z, r] = [await zero.chip.data(), await rep.chip.data()];
      zero.chip.dispose();
      rep.chip.dispose();
      // Chip pixel (10, 10) samples (-64.5, -64.5): zero, or the corner pixel (0, 0, 255).
      const o = (10 * 150 + 10) * 3;
      expect(Array.from(z.subarray(o, o + 3)), name).toEqual([0, 0, 0]);
      expect(Array.from(r.subarray(o, o + 3)), name).toEqual([0, 0, 255]);
      // Inside the image both sample the ramp: pixel (100, 120) reads (45.5, 25.5).
      const p = (100 * 150 + 120) * 3;
      for (const c of [z, r]) expect(Array.from(c.subarray(p, p + 3)).map((v) => +v.toFixed(3))).toEqual([45.5, 25.5, 209.5]);
    }
  });

  it('wasm and webgpu chips of a real face agree', async () => {
    const lm = pts5(lfwFx['Abdullah_Gul/Abdullah_Gul_0001.jpg']!.points);
    const chips = await Promise.all(
      engines.map(async ({ engine }) => {
        const { chip } = alignFace(engine, lfwImg, lm);
        const d = await chip.data();
        chip.dispose();
        return d;
      }),
    );
    let worst = 0;
    chips[0]!.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - chips[1]![i]!))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('rejects bad images and landmark lists', () => {
    const { engine } = engines[0]!;
    const lm = chipTemplate('mtcnn5');
    expect(() => alignFace(engine, { width: 0, height: 0, data: new Uint8Array(0) }, lm)).toThrow(/alignFaces: image: empty image \(0x0\)/);
    expect(() => alignFaces(engine, ramp(), [])).toThrow(/landmarks must be a non-empty array/);
    expect(() => alignFaces(engine, ramp(), [lm, lm.slice(0, 3)])).toThrow(/alignFaces: face 1: expected 5 \(MTCNN\) or 68 \(iBUG\) landmarks, got 3/);
    expect(engine.stats().liveTensors).toBe(0);
  });
});

// ---- dlib's own chips ------------------------------------------------------------------------------------------

describe("dlib's chips (dlib-johns): aligning a dlib chip with its own landmarks gives it back", () => {
  let engine: Engine;
  let lmNet: FaceLandmarkNet;
  const chips: { file: string; img: RgbaImage }[] = [];
  beforeAll(async () => {
    engine = await createEngine({ backend: 'wasm', log: null });
    lmNet = await FaceLandmarkNet.load(engine);
    for (const person of readdirSync(JOHNS).filter((d) => d.startsWith('John_'))) {
      for (const f of readdirSync(join(JOHNS, person))) chips.push({ file: `${person}/${f}`, img: await decodeImage(join(JOHNS, person, f)) });
    }
  });
  afterAll(() => {
    lmNet.dispose();
    engine.dispose();
  });

  /** Mean scale, |angle| (degrees) and offset (px) of the chip centre from the identity over `ts`. */
  function drift(ts: FaceAlignTransform[]) {
    const mean = (f: (t: FaceAlignTransform) => number) => ts.reduce((s, t) => s + f(t), 0) / ts.length;
    return {
      scale: mean((t) => t.scale),
      angle: Math.abs(mean((t) => (t.angle * 180) / Math.PI)),
      dx: mean((t) => apply(t.toImage, 74.5, 74.5)[0] - 74.5),
      dy: mean((t) => apply(t.toImage, 74.5, 74.5)[1] - 74.5),
    };
  }

  it('68 points (FaceLandmark68Net on the chip): the identity to 1% and a pixel; the re-cut chip matches', async () => {
    const ts: FaceAlignTransform[] = [];
    let diff = 0;
    for (const { img } of chips) {
      const lm = await lmNet.detect(img);
      const { chip, transform } = alignFace(engine, img, lm);
      ts.push(transform);
      const d = await chip.data();
      chip.dispose();
      // Mean absolute difference to the dlib chip over its central 100 x 100 (edges may fall outside).
      let s = 0;
      for (let i = 25; i < 125; i++) for (let j = 25; j < 125; j++) for (let c = 0; c < 3; c++) s += Math.abs(d[(i * 150 + j) * 3 + c]! - img.data[(i * 150 + j) * 4 + c]!);
      diff += s / (100 * 100 * 3) / chips.length;
    }
    const r = drift(ts);
    console.info(`dlib-johns, 68-point alignment of ${chips.length} dlib chips: scale ${r.scale.toFixed(4)}, angle ${r.angle.toFixed(2)} deg, centre offset (${r.dx.toFixed(2)}, ${r.dy.toFixed(2)}) px, mean |chip - dlib chip| ${diff.toFixed(2)} / 255`);
    close(r.scale, 1, 0.01);
    expect(r.angle).toBeLessThan(1);
    expect(Math.hypot(r.dx, r.dy)).toBeLessThan(1.5);
    expect(diff).toBeLessThan(10);
  });

  it("MTCNN's 5 points (fixture): the identity to 3% and 5 px", () => {
    const ts = Object.values(johnsFx).map((p) => faceAlignTransform(pts5(p)));
    expect(ts.length).toBe(46);
    const r = drift(ts);
    console.info(`dlib-johns, MTCNN 5-point alignment of ${ts.length} dlib chips: scale ${r.scale.toFixed(4)}, angle ${r.angle.toFixed(2)} deg, centre offset (${r.dx.toFixed(2)}, ${r.dy.toFixed(2)}) px`);
    close(r.scale, 1, 0.03);
    expect(r.angle).toBeLessThan(1);
    expect(Math.hypot(r.dx, r.dy)).toBeLessThan(5);
  });
});

// ---- embeddings with and without alignment ----------------------------------------------------------------------

describe('LFW embeddings with and without alignment (wasm; webgpu agrees)', () => {
  let engine: Engine;
  let net: FaceRecognitionNet;
  const faces: { id: string; idx: number; img: RgbaImage; box: { x: number; y: number; width: number; height: number }; lm: LandmarkPoint[] }[] = [];
  beforeAll(async () => {
    engine = await createEngine({ backend: 'wasm', log: null });
    net = await FaceRecognitionNet.load(engine);
    for (const [file, f] of Object.entries(lfwFx)) {
      const [x, y, width, height] = f.box;
      faces.push({ id: file.split('/')[0]!, idx: Number(/_(\d+)\.jpg$/.exec(file)![1]), img: await decodeImage(join(LFW, file)), box: { x, y, width, height }, lm: pts5(f.points) });
    }
  });
  afterAll(() => {
    net.dispose();
    engine.dispose();
  });

  const l2 = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));

  /** Enrol images 1-5 of each identity (mean descriptor), identify images 6-10: top-1 accuracy. */
  function top1(desc: Float32Array[]): number {
    const ids = [...new Set(faces.map((f) => f.id))];
    const means = ids.map((id) => {
      const es = desc.filter((_, i) => faces[i]!.id === id && faces[i]!.idx <= 5);
      return Float32Array.from({ length: 128 }, (_, k) => es.reduce((s, e) => s + e[k]! / es.length, 0));
    });
    let ok = 0;
    let n = 0;
    desc.forEach((d, i) => {
      if (faces[i]!.idx <= 5) return;
      n++;
      let best = 0;
      means.forEach((m, j) => (best = l2(d, m) < l2(d, means[best]!) ? j : best));
      if (ids[best] === faces[i]!.id) ok++;
    });
    return ok / n;
  }

  /** Mean distance between images of the same person, and of different people. */
  function separation(desc: Float32Array[]): { same: number; diff: number } {
    let [s, sn, d, dn] = [0, 0, 0, 0];
    for (let i = 0; i < desc.length; i++) {
      for (let j = i + 1; j < desc.length; j++) {
        const v = l2(desc[i]!, desc[j]!);
        if (faces[i]!.id === faces[j]!.id) [s, sn] = [s + v, sn + 1];
        else [d, dn] = [d + v, dn + 1];
      }
    }
    return { same: s / sn, diff: d / dn };
  }

  it('5-point alignment puts a face nearer its own identity: top-1 >= 95% and above the unaligned crop', async () => {
    const base = engine.stats().liveTensors;
    const aligned: Float32Array[] = [];
    const unaligned: Float32Array[] = [];
    for (const f of faces) {
      aligned.push((await embedAlignedFaces(net, f.img, [f.lm])).descriptors[0]!);
      unaligned.push(await net.embed(f.img, f.box)); // face-api's way: the detection box, padded square, resized
    }
    expect(engine.stats().liveTensors).toBe(base);
    const [a, u] = [top1(aligned), top1(unaligned)];
    const [sa, su] = [separation(aligned), separation(unaligned)];
    console.info(
      `lfw-id40 (${faces.length} MTCNN faces, enrol 1-5, identify 6-10): top-1 aligned ${(a * 100).toFixed(1)}% vs unaligned ${(u * 100).toFixed(1)}%; ` +
        `mean same / different distance aligned ${sa.same.toFixed(3)} / ${sa.diff.toFixed(3)}, unaligned ${su.same.toFixed(3)} / ${su.diff.toFixed(3)}`,
    );
    expect(a).toBeGreaterThanOrEqual(0.95);
    expect(a).toBeGreaterThan(u);
    expect(sa.same).toBeLessThan(su.same);
    expect(sa.diff - sa.same).toBeGreaterThan(su.diff - su.same);
    // Verification over every pair, balanced (some 1,700 same-person pairs against some 70,000 others).
    const cal = (d: Float32Array[]) => calibrateFromSet(d.map((e, i) => ({ label: faces[i]!.id, embedding: e })), { balanced: true });
    const [ca, cu] = [cal(aligned), cal(unaligned)];
    console.info(
      `lfw-id40 verification, all pairs: aligned best balanced accuracy ${(ca.best.balancedAccuracy * 100).toFixed(2)}% at ${ca.best.threshold.toFixed(3)}, ` +
        `EER ${(ca.eer.rate * 100).toFixed(2)}% at ${ca.eer.threshold.toFixed(3)}; unaligned ${(cu.best.balancedAccuracy * 100).toFixed(2)}% at ${cu.best.threshold.toFixed(3)}, ` +
        `EER ${(cu.eer.rate * 100).toFixed(2)}% at ${cu.eer.threshold.toFixed(3)}`,
    );
    expect(ca.eer.rate).toBeLessThan(cu.eer.rate);
    expect(ca.best.balancedAccuracy).toBeGreaterThan(cu.best.balancedAccuracy);
  }, 600_000);

  it('webgpu gives the same aligned descriptors', async () => {
    const gpu = await createEngine({ backend: 'webgpu', log: null });
    const gnet = await FaceRecognitionNet.load(gpu);
    const base = gpu.stats().liveTensors;
    try {
      const f = faces.slice(0, 2);
      const img = f[0]!.img;
      // Two faces of one image in one batch: the same landmarks twice, and shifted by a pixel.
      const lms = [f[0]!.lm, f[0]!.lm.map((p) => ({ x: p.x + 1, y: p.y }))];
      const [g, w] = [await embedAlignedFaces(gnet, img, lms), await embedAlignedFaces(net, img, lms)];
      for (let i = 0; i < 2; i++) expect(l2(g.descriptors[i]!, w.descriptors[i]!)).toBeLessThan(2e-3);
      expect(gpu.stats().liveTensors).toBe(base);
    } finally {
      gnet.dispose();
      gpu.dispose();
    }
  }, 300_000);
});
