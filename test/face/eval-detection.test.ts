// Detection on ../shared/data/detection-dev (the protocol of scripts/eval-detection.mjs, shared through
// scripts/eval-common.mjs): the matching rule on hand-made boxes, dogs.jpg without a face at the default
// thresholds, and recall / precision at IoU 0.5 not below what docs/eval-detection.md reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceRecognizer, type FaceRecognizer, type RgbaImage } from '../../src/index.node.js';
// @ts-expect-error plain JS module shared with the scripts (no types)
import { detectionConfigs, detectionScores, iou, matchDetections, MTCNN_WEIGHTS, readDetectionDev } from '../../scripts/eval-common.mjs';

const box = (x: number, y: number, width: number, height = width) => ({ x, y, width, height });

describe('detection matching', () => {
  it('IoU, hand-checked', () => {
    expect(iou(box(0, 0, 10), box(0, 0, 10))).toBe(1);
    expect(iou(box(0, 0, 10), box(5, 0, 10))).toBeCloseTo(50 / 150, 12);
    expect(iou(box(0, 0, 10), box(20, 20, 10))).toBe(0);
  });

  it('greedy by score; each truth box matched once; below the IoU a false positive', () => {
    const truth = [box(0, 0, 10), box(100, 100, 10)];
    const dets = [
      { box: box(1, 0, 10), score: 0.6 }, // IoU 0.82 with truth 0, but a better-scored detection takes it first
      { box: box(0, 0, 10), score: 0.9 },
      { box: box(104, 100, 10), score: 0.8 }, // IoU 0.43 with truth 1
    ];
    expect(matchDetections(dets, truth, 0.5)).toMatchObject({ tp: 1, fp: 2, fn: 1 });
    expect(matchDetections(dets, truth, 0.4)).toMatchObject({ tp: 2, fp: 1, fn: 0 });
    expect(matchDetections([], truth)).toMatchObject({ tp: 0, fp: 0, fn: 2 });
  });
});

describe('detection-dev (wasm)', () => {
  let fr: FaceRecognizer;
  let sets: { file: string; path: string; boxes: unknown[] }[];
  const images: RgbaImage[] = [];
  beforeAll(async () => {
    fr = await createFaceRecognizer({ backend: 'wasm', mtcnnModelPath: MTCNN_WEIGHTS, log: null });
    sets = readDetectionDev();
    for (const s of sets) images.push(await fr.image(s.path));
  });
  afterAll(() => fr?.dispose());

  it('the data: 18 faces in 4 photos, and dogs.jpg', () => {
    expect(sets.reduce((n, s) => n + s.boxes.length, 0)).toBe(18);
    expect(sets.find((s) => s.file === 'dogs.jpg')!.boxes).toEqual([]);
  });

  it('dogs.jpg yields no face at the default thresholds', async () => {
    const dogs = images[sets.findIndex((s) => s.file === 'dogs.jpg')]!;
    expect(await fr.detect(dogs)).toEqual([]);
    expect(await fr.detect(dogs, { inputSize: 'auto' })).toEqual([]);
    expect(await fr.detect(dogs, { detector: 'mtcnn' })).toEqual([]);
  });

  // Floors a little under the measured values (docs/eval-detection.md): a regression guard, one face of slack.
  it.each([
    ['tiny@416', 0.33, 0.5],
    ['tiny@576', 0.83, 0.85],
    ['tiny@auto', 0.55, 0.6],
    ['mtcnn', 0.77, 0.9],
  ])('%s: recall >= %f and precision >= %f at IoU 0.5', async (id, recall, precision) => {
    const config = detectionConfigs().find((c: { id: string }) => c.id === id);
    const r = await detectionScores(fr, sets, images, config);
    console.info(`${id}: recall ${r.at[0.5].recall.toFixed(3)}, precision ${r.at[0.5].precision.toFixed(3)}`);
    expect(r.at[0.5].recall).toBeGreaterThanOrEqual(recall);
    expect(r.at[0.5].precision).toBeGreaterThanOrEqual(precision);
  });
});
