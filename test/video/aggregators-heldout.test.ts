// The held-out claim: REAN-style attention aggregation beats mean pooling on the 10 held-out identities'
// synthetic tracks, by more than the spread of REAN across 3 training seeds. Reads the track cache
// (.cache/video, scripts/video-build-tracks.mjs), else its committed int8 copy (test/video/fixtures/track-cache.*,
// scripts/video-pack-cache.mjs); only when both are missing or stale does it rebuild the cache (~20 min here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.node.js';
import type { Engine } from '../../src/runtime/engine.js';
import * as A from '../../src/video/aggregators/index.js';
import { sharpness } from '../../src/video/quality.js';
// @ts-expect-error: plain JS module shared with the scripts
import { CACHE_DIR, REPORT_SEEDS, TRAIN_SETTINGS, evaluateKind, heldOutSet, loadTrackCache, meanSpread, trainKind, trainingSet } from '../../scripts/video-common.mjs';
// @ts-expect-error: plain JS module shared with the scripts
import { buildTrackCache } from '../../scripts/video-tracks.mjs';

type Scores = { top1: number; tar: number };
let engine: Engine;
let cache: { meta: { tracks: unknown[] } };

beforeAll(async () => {
  cache = loadTrackCache() ?? (await buildTrackCache({ lib, sharpness, outDir: CACHE_DIR, log: () => {} }));
  engine = await lib.createEngine({ backend: 'wasm', log: null });
}, 1_800_000);
afterAll(() => engine?.dispose());

describe('held-out synthetic tracks', () => {
  it('REAN-GRU beats mean pooling (TAR@FAR=1% and top-1) by more than its spread across 3 seeds', async () => {
    const train = trainingSet(cache);
    const heldOut = heldOutSet(cache);
    expect(heldOut.templates.length).toBe(10);
    expect(heldOut.probes.length).toBeGreaterThanOrEqual(100);
    const mean: Scores = await evaluateKind(A, engine, heldOut, 'mean');
    const rean: Scores[] = [];
    for (const seed of REPORT_SEEDS) {
      const r = await trainKind(A, engine, train, 'rean-gru', seed, TRAIN_SETTINGS);
      rean.push(await evaluateKind(A, engine, heldOut, 'rean-gru', r.weights));
    }
    for (const metric of ['tar', 'top1'] as const) {
      const s = meanSpread(rean.map((x) => x[metric]));
      const margin = s.mean - mean[metric];
      console.info(`${metric}: mean pooling ${mean[metric].toFixed(4)}, REAN-GRU ${s.values.map((v: number) => v.toFixed(4)).join(' / ')}, margin ${margin.toFixed(4)}, spread ${s.spread.toFixed(4)}`);
      expect(margin).toBeGreaterThan(s.spread);
      expect(Math.min(...s.values)).toBeGreaterThan(mean[metric]);
    }
    expect(engine.stats().liveTensors).toBe(0);
  }, 600_000);
});
