// Training the aggregators on a small cached subset (test/video/fixtures/tracks-small.json, from
// scripts/video-fixture.mjs): the loss falls on wasm and on webgpu, and both backends follow the same curve
// (same seed, same batches; only float rounding differs).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.node.js';
import type { Engine } from '../../src/runtime/engine.js';
import { createAggregator, trainAggregator, type LabelledTrack } from '../../src/video/aggregators/index.js';
import type { TrackFrame } from '../../src/video/types.js';

interface Fixture {
  dim: number;
  tracks: { label: number; frames: number }[];
  scale: number[];
  cues: [number, number, number][];
  q: string;
}

function loadFixture(): LabelledTrack[] {
  const f = JSON.parse(readFileSync(new URL('./fixtures/tracks-small.json', import.meta.url), 'utf8')) as Fixture;
  const q = new Int8Array(Buffer.from(f.q, 'base64').buffer.slice(0));
  let i = 0;
  return f.tracks.map((t) => {
    const frames: TrackFrame[] = [];
    for (let k = 0; k < t.frames; k++, i++) {
      const embedding = Float32Array.from(q.subarray(i * f.dim, (i + 1) * f.dim), (v) => v * f.scale[i]!);
      const [score, faceSize, sharpness] = f.cues[i]!;
      frames.push({ embedding, quality: { score, faceSize, sharpness } });
    }
    return { frames, label: t.label };
  });
}

const tracks = loadFixture();
const engines: Record<string, Engine> = {};
beforeAll(async () => {
  engines.wasm = await createEngine({ backend: 'wasm', log: null });
  engines.webgpu = await createEngine({ backend: 'webgpu', log: null });
});
afterAll(() => Object.values(engines).forEach((e) => e.dispose()));

describe('aggregator training on a cached subset', () => {
  it('the fixture holds 8 identities x 6 tracks of real cached embeddings', () => {
    expect(tracks.length).toBe(48);
    expect(new Set(tracks.map((t) => t.label)).size).toBe(8);
    // FaceRecognitionNet descriptors have lengths around 1.2-1.6.
    const n = Math.hypot(...tracks[0]!.frames[0]!.embedding);
    expect(n).toBeGreaterThan(0.8);
    expect(n).toBeLessThan(2);
  });

  const curves: Record<string, number[]> = {};
  for (const kind of ['rean-gru', 'rean-lstm', 'naive-lstm'] as const) {
    for (const backend of ['wasm', 'webgpu']) {
      it(`${kind} on ${backend}: the loss falls; per-epoch loss and time are reported`, async () => {
        const engine = engines[backend]!;
        const seen: number[] = [];
        const r = await trainAggregator(engine, kind, tracks, { epochs: 12, batchSize: 16, seed: 5, learningRate: 1e-2, onEpochEnd: (_e, l) => void seen.push(l.ms) });
        expect(r.backend).toBe(backend);
        expect(r.history.loss.length).toBe(12);
        expect(r.history.epochMs).toEqual(seen);
        r.history.epochMs.forEach((ms) => expect(ms).toBeGreaterThan(0));
        const first = r.history.loss[0]!;
        const lastThree = r.history.loss.slice(-3).reduce((a, b) => a + b, 0) / 3;
        // REAN can only reweight frames (its output stays in their convex hull), so on 8 identities its loss
        // falls from ~0.87 to ~0.75; the naive LSTM outputs the embedding itself and fits these 48 tracks.
        expect(lastThree).toBeLessThan((kind === 'naive-lstm' ? 0.2 : 0.92) * first);
        curves[`${kind}@${backend}`] = r.history.loss;
        // The weights it returns load and aggregate.
        const agg = await createAggregator(engine, kind, { weights: r.weights });
        const v = await agg.aggregate(tracks[0]!.frames);
        expect(Math.hypot(...v)).toBeCloseTo(1, 5);
        agg.dispose();
        expect(engine.stats().liveTensors).toBe(0);
      }, 120_000);
    }
    it(`${kind}: wasm and webgpu follow the same loss curve`, () => {
      const a = curves[`${kind}@wasm`]!;
      const b = curves[`${kind}@webgpu`]!;
      a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(2e-3 * Math.max(1, v)));
    });
  }
});
