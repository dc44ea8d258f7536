// LFW identification (the protocol of scripts/eval-lfw.mjs, shared through scripts/eval-common.mjs) on
// ../shared/data/lfw-id40: enrol images 1-5 of each of 40 people, identify images 6-10. Top-1 with alignment must
// be >= 95% for both aligned pipelines (tiny + 68 points, MTCNN + 5 points). Runs on wasm; the unaligned pipeline
// and the webgpu numbers are in docs/eval-lfw.md (scripts/eval-lfw.mjs), left out here to keep the test short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.node.js';
import type { FaceRecognizer, RgbaImage } from '../../src/index.node.js';
// @ts-expect-error plain JS module shared with the scripts (no types)
import { ENROLLED, LFW_PIPELINES, lfwDescriptors, lfwScores, MTCNN_WEIGHTS, readLfw } from '../../scripts/eval-common.mjs';

interface Row {
  path: string;
  identity: string;
  index: number;
}

let fr: FaceRecognizer;
let rows: Row[];
const images: RgbaImage[] = [];

beforeAll(async () => {
  fr = await lib.createFaceRecognizer({ backend: 'wasm', mtcnnModelPath: MTCNN_WEIGHTS, log: null });
  rows = readLfw();
  for (const r of rows) images.push(await fr.image(r.path));
});
afterAll(() => fr?.dispose());

describe('LFW identification (lfw-id40, wasm)', () => {
  it('the data: 40 identities x 10 images, 5 enrolled and 5 probes each', () => {
    expect(rows).toHaveLength(400);
    const ids = new Set(rows.map((r) => r.identity));
    expect(ids.size).toBe(40);
    for (const id of ids) {
      const mine = rows.filter((r) => r.identity === id);
      expect(mine.filter((r) => ENROLLED(r.index))).toHaveLength(5);
      expect(mine.filter((r) => !ENROLLED(r.index))).toHaveLength(5);
    }
  });

  it.each(['tiny68', 'mtcnn5'])('pipeline %s', async (id) => {
    const pipeline = LFW_PIPELINES.find((p: { id: string }) => p.id === id);
    const { items } = await lfwDescriptors(fr, rows, images, pipeline);
    const s = await lfwScores(lib, items);
    console.info(
      `${id}: top-1 ${(100 * s.top1).toFixed(1)}%, no face ${s.noFace}/400 (${s.retried} retried), identify threshold ` +
        `${s.identify.threshold.toFixed(3)}, verify threshold ${s.verify.threshold.toFixed(3)} (EER ${(100 * s.verify.eer.rate).toFixed(1)}%)`,
    );
    expect(s.probes).toBe(200);
    expect(s.noFace).toBeLessThanOrEqual(10);
    // Calibrated thresholds land where dlib's descriptors put them (0.6 is dlib's pairwise threshold; a distance to
    // an identity's mean descriptor is smaller).
    expect(s.identify.threshold).toBeGreaterThan(0.35);
    expect(s.identify.threshold).toBeLessThan(0.75);
    expect(s.verify.threshold).toBeGreaterThan(0.45);
    expect(s.verify.threshold).toBeLessThan(0.75);
    expect(pipeline.align).toBe(true);
    expect(s.top1).toBeGreaterThanOrEqual(0.95);
    expect(s.identify.openSet).toBeGreaterThanOrEqual(0.9);
    expect(s.verify.eer.rate).toBeLessThan(0.05);
  }, 300_000);
});
