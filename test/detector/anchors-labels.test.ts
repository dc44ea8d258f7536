// Host parts of the joint detector: k-means anchors on hand-made boxes, the labelled-folder checks (typed errors
// for boxes outside the image, zero-size boxes, unknown classes, empty sets), AP on hand-computed cases.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmeansAnchors, meanAnchorIou } from '../../src/detector/anchors.js';
import { InvalidDatasetError, validateLabels } from '../../src/detector/labels.js';
import { averagePrecision, evaluateDetections, identification, verification } from '../../src/detector/metrics.js';
import { loadLabelledDir } from '../../src/detector/node.js';
import { augment, stitch } from '../../src/detector/canvas.js';
import { InvalidArgumentError } from '../../src/runtime/errors.js';
import { Rng } from '../../src/nn/rng.js';

describe('kmeansAnchors', () => {
  it('two exact clusters: the anchors are their shapes', () => {
    const boxes = [1, 1, 1, 4, 4].map((s) => ({ width: s, height: s }));
    expect(kmeansAnchors(boxes, 2, 3)).toEqual([
      [1, 1],
      [4, 4],
    ]);
  });

  it('three jittered clusters: centroids = cluster means, sorted by area, whatever the seed', () => {
    const rng = new Rng(11);
    const centres = [
      [10, 12],
      [30, 60],
      [80, 80],
    ];
    const boxes: { width: number; height: number }[] = [];
    const sums = centres.map(() => [0, 0]);
    centres.forEach(([w, h], c) => {
      for (let i = 0; i < 20; i++) {
        const b = { width: w! * rng.uniform(0.9, 1.1), height: h! * rng.uniform(0.9, 1.1) };
        boxes.push(b);
        sums[c]![0] += b.width / 20;
        sums[c]![1] += b.height / 20;
      }
    });
    for (const seed of [0, 1, 2, 99]) {
      const a = kmeansAnchors(boxes, 3, seed);
      a.forEach(([w, h], c) => {
        expect(w).toBeCloseTo(sums[c]![0]!, 9);
        expect(h).toBeCloseTo(sums[c]![1]!, 9);
      });
    }
    expect(meanAnchorIou(boxes, kmeansAnchors(boxes, 3, 0))).toBeGreaterThan(0.85);
    expect(meanAnchorIou(boxes, kmeansAnchors(boxes, 1, 0))).toBeLessThan(0.5);
  });

  it('same seed, same anchors', () => {
    const rng = new Rng(5);
    const boxes = Array.from({ length: 50 }, () => ({ width: rng.uniform(0.05, 0.6), height: rng.uniform(0.05, 0.6) }));
    expect(kmeansAnchors(boxes, 3, 7)).toEqual(kmeansAnchors(boxes, 3, 7));
  });

  it('typed errors', () => {
    expect(() => kmeansAnchors([{ width: 1, height: 1 }], 3)).toThrow(/1 boxes cannot make 3 clusters/);
    expect(() => kmeansAnchors([{ width: 0, height: 1 }, { width: 1, height: 1 }], 1)).toThrow(InvalidArgumentError);
    expect(() => kmeansAnchors([{ width: 1, height: 1 }], 0)).toThrow(/k must be an integer >= 1/);
  });
});

describe('metrics', () => {
  it('AP: hand-computed VOC all-point values', () => {
    // TP, FP, TP with 2 positives: precision 1, 0.5, 0.67 at recall 0.5, 0.5, 1 -> envelope 1 then 0.67.
    expect(averagePrecision([1, 0, 1], 2)).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
    expect(averagePrecision([1, 1], 2)).toBe(1);
    expect(averagePrecision([0, 0], 2)).toBe(0);
    expect(averagePrecision([1], 4)).toBe(0.25);
  });

  it('matching, per-face accuracy and size ranges', () => {
    const truth = [[{ x: 0, y: 0, w: 0.5, h: 0.5, cls: 1 }], [{ x: 0.5, y: 0.5, w: 0.1, h: 0.1, cls: 0 }]];
    const dets = [
      [
        { x: 0.01, y: 0, w: 0.5, h: 0.5, score: 0.9, cls: 1, clsProb: 1 },
        { x: 0.6, y: 0.6, w: 0.3, h: 0.3, score: 0.8, cls: 0, clsProb: 1 },
      ],
      [{ x: 0.5, y: 0.5, w: 0.1, h: 0.1, score: 0.7, cls: 2, clsProb: 1 }],
    ];
    const e = evaluateDetections(dets, truth);
    // Order: TP (0.9), FP (0.8), TP (0.7): AP = 0.5 + 0.5 * 2/3; one of two faces correctly named.
    expect(e.ap).toBeCloseTo(0.5 + 1 / 3, 12);
    expect(e.accuracy).toBe(0.5);
    const small = evaluateDetections(dets, truth, 0.5, (b) => b.w < 0.2);
    // The large face is ignored, the large FP too: only the small face's TP counts.
    expect(small.ap).toBe(1);
    expect(small.faces).toBe(1);
  });

  it('verification and identification on separable embeddings', () => {
    const items = [
      { id: 'a', e: [1, 0] },
      { id: 'a', e: [0.9, 0.1] },
      { id: 'b', e: [0, 1] },
      { id: 'b', e: [0.1, 0.9] },
    ];
    expect(verification(items).accuracy).toBe(1);
    expect(identification(items.slice(0, 3).filter((_, i) => i !== 1), [items[1]!, items[3]!])).toBe(1);
  });
});

describe('labelled folders (loadLabelledDir) and labels.json checks', () => {
  let dir: string;
  const labels = (o: unknown) => writeFileSync(join(dir, 'labels.json'), JSON.stringify(o));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'facegpu-labels-'));
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90, g: 120, b: 150 } } })
      .png()
      .toFile(join(dir, 'a.png'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a good folder loads', async () => {
    labels({ classes: ['ann'], images: [{ file: 'a.png', boxes: [{ x: 2, y: 3, width: 20, height: 20, label: 'ann' }] }] });
    const d = await loadLabelledDir(dir);
    expect(d.classes).toEqual(['ann']);
    expect(d.images[0]!.image.width).toBe(40);
  });

  it.each([
    ['a box outside the image', { classes: ['ann'], images: [{ file: 'a.png', boxes: [{ x: 30, y: 3, width: 20, height: 20, label: 'ann' }] }] }, /reaches outside the 40x30 image/],
    ['a zero-size box', { classes: ['ann'], images: [{ file: 'a.png', boxes: [{ x: 2, y: 3, width: 0, height: 20, label: 'ann' }] }] }, /zero-size box/],
    ['an unknown class', { classes: ['ann'], images: [{ file: 'a.png', boxes: [{ x: 2, y: 3, width: 5, height: 5, label: 'bob' }] }] }, /unknown class "bob"/],
    ['an empty dataset', { classes: ['ann'], images: [] }, /empty dataset/],
    ['no boxes at all', { classes: ['ann'], images: [{ file: 'a.png', boxes: [] }] }, /empty dataset: no image has a box/],
    ['no classes', { classes: [], images: [{ file: 'a.png', boxes: [] }] }, /classes must be a non-empty array/],
    ['a missing image', { classes: ['ann'], images: [{ file: 'nope.png', boxes: [{ x: 2, y: 3, width: 5, height: 5, label: 'ann' }] }] }, /nope\.png.*file not found/],
  ])('%s: InvalidDatasetError', async (_name, json, msg) => {
    labels(json);
    const err = await loadLabelledDir(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidDatasetError);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toMatch(msg);
  });

  it('no labels.json, bad JSON', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'facegpu-labels-'));
    await expect(loadLabelledDir(empty)).rejects.toThrow(/labels\.json: not found/);
    writeFileSync(join(empty, 'labels.json'), '{oops');
    await expect(loadLabelledDir(empty)).rejects.toThrow(InvalidDatasetError);
    rmSync(empty, { recursive: true, force: true });
    expect(() => validateLabels([])).toThrow(/expected \{ classes/);
  });
});

describe('augmentation carries boxes', () => {
  it('flip and placement move the box with the pixels', () => {
    // A 20x10 image, white in its left half: the box over the white half must land on white canvas pixels.
    const data = new Uint8Array(20 * 10 * 4);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 20; x++) data.set(x < 10 ? [255, 255, 255, 255] : [0, 0, 0, 255], (y * 20 + x) * 4);
    const img = { width: 20, height: 10, data };
    for (let seed = 0; seed < 6; seed++) {
      const a = augment(img, [{ x: 0, y: 0, width: 10, height: 10, label: 'w' }], new Rng(seed), { size: 64, jitter: 0 });
      const b = a.boxes[0]!;
      const cx = Math.floor(b.x + b.width / 2);
      const cy = Math.floor(b.y + b.height / 2);
      expect(a.image.data[(cy * 64 + cx) * 4]).toBe(255);
      expect(b.width / b.height).toBeCloseTo(1, 1);
    }
    const s = stitch(
      [0, 1, 2].map(() => ({ image: img, boxes: [{ x: 0, y: 0, width: 10, height: 10, label: 'w' }] })),
      new Rng(3),
      { size: 96 },
    );
    expect(s.boxes).toHaveLength(3);
  });
});
