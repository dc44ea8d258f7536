// The temporal aggregators on hand-made tracks: exact values of the untrained kinds, the trained kinds' shapes,
// normalisation and padding masks, the weights file, and the attention pooling's gradient against finite
// differences.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.node.js';
import type { Engine } from '../../src/runtime/engine.js';
import { InvalidArgumentError, InvalidModelFileError, UnsupportedError } from '../../src/runtime/errors.js';
import { attentionPool, attentionPoolGrad } from '../../src/ops/attention-pool/index.js';
import { createAggregator, serializeWeights, TrainedAggregator, parseWeights } from '../../src/video/aggregators/index.js';
import { AggregatorNet } from '../../src/video/aggregators/net.js';
import { CUES, fitStandardizer, rawFeatures } from '../../src/video/aggregators/features.js';
import { sharpness } from '../../src/video/quality.js';
import type { TrackFrame } from '../../src/video/types.js';

const frame = (embedding: number[], score = 1, sharp = 0.5, faceSize = 64): TrackFrame => ({ embedding: Float32Array.from(embedding), quality: { score, faceSize, sharpness: sharp } });

/** Seeded random track of T frames with D-dim embeddings. */
function randomTrack(T: number, D: number, seed: number): TrackFrame[] {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: T }, () => frame(Array.from({ length: D }, () => rnd() - 0.3), rnd(), rnd(), 30 + 100 * rnd()));
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((a, x) => a + x * x, 0));

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ backend: 'wasm', log: null });
});
afterAll(() => engine?.dispose());

describe('untrained aggregators: exact values', () => {
  // Three frames: [3, 0], [0, 4], [1, 1].
  const track = [frame([3, 0], 0.5, 0.2), frame([0, 4], 1.0, 0.9), frame([1, 1], 0.25, 1.0)];

  it('mean: (sum / 3) normalised', async () => {
    const agg = await createAggregator(engine, 'mean');
    const v = await agg.aggregate(track);
    // sum = [4, 5] -> [4, 5] / sqrt(41)
    expect(v[0]).toBeCloseTo(4 / Math.sqrt(41), 6);
    expect(v[1]).toBeCloseTo(5 / Math.sqrt(41), 6);
    agg.dispose();
  });

  it('quality: detector-score-weighted mean', async () => {
    const agg = await createAggregator(engine, 'quality');
    const v = await agg.aggregate(track);
    // 0.5 [3,0] + 1 [0,4] + 0.25 [1,1] = [1.75, 4.25]
    const n = Math.hypot(1.75, 4.25);
    expect(v[0]).toBeCloseTo(1.75 / n, 6);
    expect(v[1]).toBeCloseTo(4.25 / n, 6);
  });

  it('best-frame: highest score x sharpness (1.0 x 0.9 beats 0.25 x 1.0 and 0.5 x 0.2)', async () => {
    const agg = await createAggregator(engine, 'best-frame');
    expect(Array.from(await agg.aggregate(track))).toEqual([0, 1]);
  });

  it('quality with all scores 0 falls back to the plain mean', async () => {
    const agg = await createAggregator(engine, 'quality');
    const v = await agg.aggregate(track.map((f) => ({ ...f, quality: { ...f.quality, score: 0 } })));
    expect(v[0]).toBeCloseTo(4 / Math.sqrt(41), 6);
  });

  it('rejects empty tracks, ragged embeddings, NaN cues and use after dispose', async () => {
    const agg = await createAggregator(engine, 'mean');
    await expect(agg.aggregate([])).rejects.toThrow(/needs at least one frame/);
    await expect(agg.aggregate([frame([1, 2]), frame([1, 2, 3])])).rejects.toThrow(/frame 1 embedding has 3 values, frame 0 has 2/);
    await expect(agg.aggregate([frame([1, 2], NaN)])).rejects.toThrow(InvalidArgumentError);
    agg.dispose();
    await expect(agg.aggregate(track)).rejects.toThrow(/after dispose/);
  });

  it('createAggregator rejects unknown kinds and options', async () => {
    await expect(createAggregator(engine, 'median' as never)).rejects.toThrow(/unknown kind "median"/);
    await expect(createAggregator(engine, 'mean', { weigths: 1 } as never)).rejects.toThrow(/unknown option 'weigths'/);
  });
});

describe('sharpness', () => {
  const img = (f: (x: number, y: number) => number, w = 40, h = 40) => {
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(f(x, y), (y * w + x) * 4, (y * w + x) * 4 + 3), (data[(y * w + x) * 4 + 3] = 255);
    return { width: w, height: h, data };
  };
  it('is 0 on a flat crop and v / (v + 300) on a checkerboard', () => {
    expect(sharpness(img(() => 128), { x: 0, y: 0, width: 40, height: 40 })).toBe(0);
    // 0/255 checkerboard: the Laplacian is +-4 * 255 everywhere inside, variance (1020)^2.
    const v = 1020 * 1020;
    expect(sharpness(img((x, y) => ((x + y) % 2) * 255), { x: 0, y: 0, width: 40, height: 40 })).toBeCloseTo(v / (v + 300), 9);
  });
  it('falls when the crop is blurred, and rejects a bad box', () => {
    const sharp = img((x, y) => ((x >> 2) + (y >> 2)) % 2 ? 230 : 20);
    const blurred = img((x, y) => 125 + 105 * Math.sin(x / 3) * Math.sin(y / 3));
    expect(sharpness(sharp, { x: 5, y: 5, width: 30, height: 30 })).toBeGreaterThan(sharpness(blurred, { x: 5, y: 5, width: 30, height: 30 }));
    expect(() => sharpness(sharp, { x: 0, y: 0, width: 0, height: 10 })).toThrow(InvalidArgumentError);
  });
});

/** A weights file for a freshly initialised net (seeded), with a standardizer fitted on the given tracks. */
async function freshWeights(kind: 'rean-gru' | 'rean-lstm' | 'naive-lstm', D: number, tracks: TrackFrame[][], seed = 3) {
  const F = D + CUES;
  const net = new AggregatorNet(engine, { kind, units: 8, dim: D, features: F }, seed);
  const values = await net.getWeights();
  const file = serializeWeights(kind, 8, D, fitStandardizer(tracks.map(rawFeatures), F), net.weights, values);
  net.dispose();
  return file;
}

describe('trained aggregators: shapes, normalisation, masking', () => {
  const D = 16;
  const tracks = [randomTrack(9, D, 1), randomTrack(4, D, 2), randomTrack(1, D, 3), randomTrack(12, D, 4)];

  for (const kind of ['rean-gru', 'rean-lstm', 'naive-lstm'] as const) {
    it(`${kind}: unit-length [${D}] outputs; a padded batch equals one track at a time`, async () => {
      const agg = (await createAggregator(engine, kind, { weights: await freshWeights(kind, D, tracks) })) as TrainedAggregator;
      expect(agg.kind).toBe(kind);
      const one = await Promise.all(tracks.map((t) => agg.aggregate(t)));
      const batch = await agg.aggregateBatch(tracks);
      one.forEach((v, i) => {
        expect(v.length).toBe(D);
        expect(norm(v)).toBeCloseTo(1, 5);
        Array.from(v).forEach((x, j) => expect(batch[i]![j]).toBeCloseTo(x, 5));
      });
      agg.dispose();
      expect(engine.stats().liveTensors).toBe(0);
    });
  }

  it('rean: output = normalised attention-weighted mean of the embeddings; weights on the simplex', async () => {
    const agg = (await createAggregator(engine, 'rean-gru', { weights: await freshWeights('rean-gru', D, tracks) })) as TrainedAggregator;
    for (const t of tracks) {
      const { embedding, weights } = await agg.attend(t);
      expect(weights!.length).toBe(t.length);
      expect(Array.from(weights!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(Math.min(...weights!)).toBeGreaterThan(0);
      const p = new Float64Array(D);
      t.forEach((f, i) => f.embedding.forEach((v, j) => (p[j] += weights![i]! * v)));
      const n = norm(p);
      Array.from(embedding).forEach((x, j) => expect(x).toBeCloseTo(p[j]! / n, 5));
    }
    agg.dispose();
  });

  it('rean: padding never changes a track (the padded steps get weight 0)', async () => {
    const agg = (await createAggregator(engine, 'rean-lstm', { weights: await freshWeights('rean-lstm', D, tracks) })) as TrainedAggregator;
    const short = tracks[1]!;
    const alone = await agg.attend(short);
    // In a batch with a 12-frame track the 4-frame one is padded by 8 steps of zeros.
    const [inBatch] = await agg.aggregateBatch([short, tracks[3]!]);
    Array.from(alone.embedding).forEach((x, j) => expect(inBatch![j]).toBeCloseTo(x, 5));
    agg.dispose();
  });

  it('weights files: wrong kind, bad format, bad sizes are typed errors; no shipped weights is explicit', async () => {
    const w = await freshWeights('rean-gru', D, tracks);
    await expect(createAggregator(engine, 'rean-lstm', { weights: w })).rejects.toThrow(/weights are for 'rean-gru', not 'rean-lstm'/);
    await expect(createAggregator(engine, 'rean-gru', { weights: { ...w, format: 'x' } })).rejects.toThrow(InvalidModelFileError);
    await expect(createAggregator(engine, 'rean-gru', { weights: '{not json' })).rejects.toThrow(/not JSON/);
    const cut = { ...w, weights: w.weights.map((x, i) => (i === 0 ? { ...x, shape: [x.shape[0]! - 1, x.shape[1]!] } : x)) };
    await expect(createAggregator(engine, 'rean-gru', { weights: cut })).rejects.toThrow(/has \d+ values, shape/);
    // JSON text round trip
    const again = parseWeights(JSON.stringify(w));
    expect(again.values[0]).toEqual(parseWeights(w).values[0]);
    expect(engine.stats().liveTensors).toBe(0);
    void UnsupportedError;
  });
});

describe('attention pooling gradient vs finite differences (reference backend, f64)', () => {
  it('d out . g / d scores and d values match central differences, with a mask', async () => {
    const ref = await createEngine({ backend: 'reference', log: null });
    try {
      const B = 2;
      const T = 5;
      const Dm = 6;
      let s = 7;
      const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
      const scores = Float64Array.from({ length: B * T }, rnd);
      const values = Float64Array.from({ length: B * T * Dm }, rnd);
      const g = Float64Array.from({ length: B * Dm }, rnd);
      const mask = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
      // L = sum(out * g); computed in f64 on the host from the reference op's out.
      const loss = async (sc: Float64Array, va: Float64Array) => {
        const st = ref.tensor(Float32Array.from(sc), [B, T]);
        const vt = ref.tensor(Float32Array.from(va), [B, T, Dm]);
        const mt = ref.tensor(mask, [B, T]);
        const outs = attentionPool(ref, st, vt, mt);
        const o = await outs[0]!.data();
        [st, vt, mt, ...outs].forEach((x) => x.dispose());
        return o.reduce((a, x, i) => a + x * g[i]!, 0);
      };
      const st = ref.tensor(Float32Array.from(scores), [B, T]);
      const vt = ref.tensor(Float32Array.from(values), [B, T, Dm]);
      const mt = ref.tensor(mask, [B, T]);
      const [out, w, n] = attentionPool(ref, st, vt, mt);
      const gt = ref.tensor(Float32Array.from(g), [B, Dm]);
      const [dS, dV] = attentionPoolGrad(ref, w!, vt, out!, n!, gt);
      const [ds, dv] = await Promise.all([dS!.data(), dV!.data()]);
      const h = 1e-2; // f32 inputs: a large step, central differences are O(h^2)
      for (let i = 0; i < B * T; i++) {
        const up = Float64Array.from(scores);
        const dn = Float64Array.from(scores);
        up[i] = Math.fround(up[i]! + h);
        dn[i] = Math.fround(dn[i]! - h);
        const fd = ((await loss(up, values)) - (await loss(dn, values))) / (up[i]! - dn[i]!);
        expect(Math.abs(ds[i]! - fd)).toBeLessThan(2e-4 + 2e-3 * Math.abs(fd));
        if (mask[i] === 0) expect(Math.abs(ds[i]!)).toBe(0);
      }
      for (let i = 0; i < B * T * Dm; i += 3) {
        const up = Float64Array.from(values);
        const dn = Float64Array.from(values);
        up[i] = Math.fround(up[i]! + h);
        dn[i] = Math.fround(dn[i]! - h);
        const fd = ((await loss(scores, up)) - (await loss(scores, dn))) / (up[i]! - dn[i]!);
        expect(Math.abs(dv[i]! - fd)).toBeLessThan(2e-4 + 2e-3 * Math.abs(fd));
      }
      [st, vt, mt, out, w, n, gt, dS, dV].forEach((x) => x!.dispose());
    } finally {
      ref.dispose();
    }
  });
});

describe('shipped weights', () => {
  it('every trained kind loads its shipped weights (seed 1) and aggregates 128-d tracks to unit vectors', async () => {
    const track = randomTrack(10, 128, 9).map((f) => ({ ...f, embedding: f.embedding.map((v) => v * 0.2) }));
    for (const kind of ['naive-lstm', 'rean-gru', 'rean-lstm'] as const) {
      const agg = (await createAggregator(engine, kind)) as TrainedAggregator;
      expect(agg.training?.seed).toBe(1);
      const v = await agg.aggregate(track);
      expect(v.length).toBe(128);
      expect(norm(v)).toBeCloseTo(1, 5);
      agg.dispose();
    }
    expect(engine.stats().liveTensors).toBe(0);
  });
});
