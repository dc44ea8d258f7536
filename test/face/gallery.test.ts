// FaceGallery (src/face/gallery.ts), calibration (calibrate.ts) and Node persistence (gallery-node.ts), on
// synthetic vectors: hand-checked distances, the GEMM search against the host loop (identical results) on wasm and
// webgpu, a hand-made calibration, the file format's round trip and corruptions, and a save killed mid-write.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, InvalidArgumentError, InvalidModelFileError } from '../../src/index.node.js';
import type { Engine } from '../../src/runtime/engine.js';
import { crc32, FaceGallery, faceDistance, verifyFaces } from '../../src/face/gallery.js';
import { loadGallery, saveGallery } from '../../src/face/gallery-node.js';
import { calibrateFromSet, calibrateThreshold, labelledPairs } from '../../src/face/calibrate.js';
import { seededUniform } from '../support/random.js';

const root = resolve(__dirname, '../..');
const close = (got: number, want: number, tol = 1e-6) => expect(Math.abs(got - want)).toBeLessThanOrEqual(tol);

describe('distances and verify', () => {
  it('euclidean and cosine distances, hand-checked', () => {
    expect(faceDistance([0, 0], [3, 4])).toBe(5);
    close(faceDistance([1, 0], [0, 1], 'cosine'), 1);
    close(faceDistance([1, 1], [2, 2], 'cosine'), 0);
    close(faceDistance([1, 0], [-1, 0], 'cosine'), 2);
    close(faceDistance([1, 0], [1, 1], 'cosine'), 1 - Math.SQRT1_2);
  });

  it('verify: distance < threshold', () => {
    expect(verifyFaces([0, 0], [3, 4], { threshold: 6 })).toEqual({ distance: 5, same: true });
    expect(verifyFaces([0, 0], [3, 4], { threshold: 5 })).toEqual({ distance: 5, same: false });
    expect(verifyFaces([0, 0], [0.3, 0.4]).same).toBe(true); // default 0.6
    expect(verifyFaces([1, 0], [0, 1], { metric: 'cosine' }).same).toBe(false); // 1 > 0.18
    const g = new FaceGallery({ metric: 'cosine', threshold: 0.5 });
    expect(g.verify([1, 0], [1, 0.2]).same).toBe(true);
  });

  it('rejects bad vectors and options with typed errors', () => {
    expect(() => faceDistance([1, 2], [1, 2, 3])).toThrow(/faceDistance: b has 3 values, the gallery's vectors have 2/);
    expect(() => faceDistance([1, NaN], [1, 2])).toThrow(/faceDistance: a\[1\] is NaN; values must be finite/);
    expect(() => faceDistance([], [])).toThrow(InvalidArgumentError);
    expect(() => verifyFaces([1], [1], { metrc: 'cosine' } as never)).toThrow(/verifyFaces: unknown option 'metrc'/);
    expect(() => verifyFaces([1], [1], { metric: 'manhattan' as never })).toThrow(/metric must be one of euclidean, cosine/);
  });
});

/** alice: [1, 0, 0], [0, 1, 0] (mean [0.5, 0.5, 0]); bob: [0, 0, 2]. */
function smallGallery(o: ConstructorParameters<typeof FaceGallery>[0] = {}): FaceGallery {
  const g = new FaceGallery(o);
  g.add('alice', [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  g.add('bob', [0, 0, 2]);
  return g;
}

describe('FaceGallery', () => {
  it('identify by identity mean (euclidean), hand-checked', async () => {
    const g = smallGallery();
    expect(g.names).toEqual(['alice', 'bob']);
    expect([g.size, g.count, g.dim]).toEqual([2, 3, 3]);
    const r = await g.identify([0.5, 0.5, 0.1]);
    expect(r.unknown).toBe(false);
    expect(r.matches.map((m) => m.name)).toEqual(['alice']);
    close(r.matches[0]!.distance, 0.1);
    // k = 2 with a threshold everything passes: bob at sqrt(0.25 + 0.25 + 1.9^2).
    const r2 = await g.identify([0.5, 0.5, 0.1], { k: 2, threshold: 10 });
    expect(r2.matches.map((m) => m.name)).toEqual(['alice', 'bob']);
    close(r2.matches[1]!.distance, Math.sqrt(0.5 + 1.9 ** 2));
    // Too far from everyone: unknown, but the nearest is still reported.
    const r3 = await g.identify([5, 5, 5]);
    expect(r3.unknown).toBe(true);
    expect(r3.matches).toEqual([]);
    expect(r3.nearest!.name).toBe('bob');
    close(r3.nearest!.distance, Math.sqrt(25 + 25 + 9));
    // k beyond the gallery: every identity once.
    expect((await g.identify([0, 0, 0], { k: 5, threshold: 10 })).matches.length).toBe(2);
  });

  it('per-sample matching: an identity is as near as its nearest sample', async () => {
    const g = smallGallery({ matching: 'sample' });
    const r = await g.identify([0.5, 0.5, 0.1], { threshold: 1 });
    close(r.matches[0]!.distance, Math.sqrt(0.25 + 0.25 + 0.01));
    const r2 = await g.identify([0.9, 0.1, 0], { threshold: 1 });
    close(r2.matches[0]!.distance, Math.sqrt(0.02));
  });

  it('cosine: means of unit vectors, 1 - cos', async () => {
    const g = smallGallery({ metric: 'cosine' });
    expect(g.threshold).toBe(0.18);
    const r = await g.identify([2, 2, 0], { k: 2, threshold: 2 });
    expect(r.matches.map((m) => m.name)).toEqual(['alice', 'bob']);
    close(r.matches[0]!.distance, 0);
    close(r.matches[1]!.distance, 1);
  });

  it('enroll: vectors, or items through an embed function; all or nothing', async () => {
    const g = new FaceGallery();
    const embed = async (img: { v: number }) => Float32Array.of(img.v, 0);
    await g.enroll('a', [{ v: 1 }, [0, 1], { v: 3 }], embed);
    expect(g.embeddings('a').map((v) => Array.from(v))).toEqual([[1, 0], [0, 1], [3, 0]]);
    await g.enroll('b', Float32Array.of(5, 5));
    expect(g.count).toBe(4);
    const failing = async (img: { v: number }) => {
      if (img.v > 1) throw new Error('cannot embed');
      return Float32Array.of(img.v, 0);
    };
    await expect(g.enroll('c', [{ v: 1 }, { v: 2 }], failing)).rejects.toThrow('cannot embed');
    expect(g.has('c')).toBe(false);
    await expect(g.enroll('c', [{ v: 1 }] as never)).rejects.toThrow(/item 0 of 'c' is not a vector; pass an embed function/);
    await expect(g.enroll('c', [[1, 2, 3]])).rejects.toThrow(/'c' vector 0 has 3 values, the gallery's vectors have 2/);
    expect(g.remove('a')).toBe(true);
    expect(g.names).toEqual(['b']);
  });

  it('rejects bad input with typed errors', async () => {
    const g = smallGallery();
    expect(() => g.add('', [1, 2, 3])).toThrow(/FaceGallery.add: name must be a non-empty string/);
    expect(() => g.add('x', [1, 2])).toThrow(/'x' vector 0 has 2 values, the gallery's vectors have 3/);
    expect(() => g.add('x', [1, Infinity, 2])).toThrow(/'x' vector 0\[1\] is Infinity/);
    expect(() => g.add('x', [])).toThrow(InvalidArgumentError);
    expect(() => g.add('x', [1e39, 0, 0])).toThrow(/overflows f32/);
    await expect(g.identify([1, 2])).rejects.toThrow(/probe 0 has 2 values/);
    await expect(g.identify([1, 2, 3], { k: 0 })).rejects.toThrow(/k must be an integer >= 1/);
    await expect(g.identify([1, 2, 3], { threshold: NaN })).rejects.toThrow(/threshold must be a number/);
    await expect(g.identify([1, 2, 3], { top: 3 } as never)).rejects.toThrow(/unknown option 'top'/);
    expect(() => new FaceGallery({ metric: 'l1' as never })).toThrow(/metric must be one of euclidean, cosine/);
    expect(() => new FaceGallery({ matching: 'median' as never })).toThrow(/matching must be one of mean, sample/);
    expect(() => new FaceGallery({ dim: 0 })).toThrow(/dim must be an integer in \[1, 65536\]/);
    expect(() => new FaceGallery({ gemmMinRows: -1 })).toThrow(/gemmMinRows must be an integer >= 0/);
    expect(() => new FaceGallery({ treshold: 1 } as never)).toThrow(/unknown option 'treshold'/);
    expect(await new FaceGallery().identify([1, 2])).toEqual({ unknown: true, matches: [], nearest: null });
  });
});

// ---- GEMM search vs host loop ------------------------------------------------------------------------------------

const DIM = 128;
/** 300 identities x 3 samples, plus two identities with identical vectors (an exact tie) and near-ties. */
function bigGallery(o: ConstructorParameters<typeof FaceGallery>[0]): FaceGallery {
  const g = new FaceGallery(o);
  const all = seededUniform(7, 300 * 3 * DIM, -0.15, 0.15);
  for (let i = 0; i < 300; i++) {
    g.add(`id${i}`, [0, 1, 2].map((s) => all.subarray((i * 3 + s) * DIM, (i * 3 + s + 1) * DIM)));
  }
  const twin = seededUniform(8, DIM, -0.15, 0.15);
  g.add('twinA', twin);
  g.add('twinB', twin);
  // Near-ties: one ulp-sized nudge apart.
  const near = Float32Array.from(twin, (v, i) => (i === 0 ? v + 1e-7 : v));
  g.add('nearTwin', near);
  return g;
}

function probes(): Float32Array[] {
  const noise = seededUniform(9, 40 * DIM, -0.05, 0.05);
  const base = seededUniform(7, 300 * 3 * DIM, -0.15, 0.15);
  const out: Float32Array[] = [];
  for (let p = 0; p < 36; p++) {
    const row = (p * 23) % 900;
    out.push(Float32Array.from(base.subarray(row * DIM, (row + 1) * DIM), (v, i) => v + noise[p * DIM + i]!));
  }
  out.push(seededUniform(8, DIM, -0.15, 0.15)); // exactly the twins
  out.push(seededUniform(10, DIM, -0.15, 0.15)); // nobody
  out.push(new Float32Array(DIM)); // the zero vector
  out.push(Float32Array.from(seededUniform(8, DIM, -0.15, 0.15), (v) => v * 3)); // the twins' direction (cosine tie)
  return out;
}

describe('GEMM search equals the host loop', () => {
  const engines: { name: string; engine: Engine }[] = [];
  beforeAll(async () => {
    engines.push({ name: 'wasm', engine: await createEngine({ backend: 'wasm', log: null }) });
    engines.push({ name: 'webgpu', engine: await createEngine({ backend: 'webgpu', log: null }) });
  });
  afterAll(() => engines.forEach((e) => e.engine.dispose()));

  for (const metric of ['euclidean', 'cosine'] as const) {
    for (const matching of ['mean', 'sample'] as const) {
      it(`${metric}, ${matching} matching, wasm and webgpu`, async () => {
        const host = bigGallery({ metric, matching });
        const ps = probes();
        const want = await host.identifyBatch(ps, { k: 5, threshold: 10 });
        // The exact tie (distance 0) resolves in enrolment order. (For cosine the three are within rounding of
        // each other, in whatever order f64 rounding puts them: the same on both paths.)
        if (metric === 'euclidean') expect(want[36]!.matches.slice(0, 2).map((m) => m.name)).toEqual(['twinA', 'twinB']);
        expect(want[36]!.matches.slice(0, 3).map((m) => m.name).sort()).toEqual(['nearTwin', 'twinA', 'twinB']);
        for (const { name, engine } of engines) {
          const base = engine.stats().liveTensors;
          const gemm = bigGallery({ metric, matching, engine });
          const got = await gemm.identifyBatch(ps, { k: 5, threshold: 10 });
          expect(got, name).toEqual(want);
          // One probe at a time as well (a 1-row GEMM), and the default k / threshold.
          expect(await gemm.identify(ps[3]!)).toEqual(await host.identify(ps[3]!));
          // The rows stayed on the engine (the GEMM path ran); dispose() frees them.
          expect(engine.stats().liveTensors).toBe(base + 1);
          gemm.dispose();
          expect(engine.stats().liveTensors).toBe(base);
        }
      });
    }
  }

  it('a gallery below gemmMinRows never touches the engine', async () => {
    const { engine } = engines[0]!;
    const g = smallGallery({ engine });
    const before = engine.stats().submits;
    await g.identify([0.5, 0.5, 0.1]);
    expect(engine.stats().submits).toBe(before);
    expect(engine.stats().liveTensors).toBe(0);
  });
});

// ---- calibration --------------------------------------------------------------------------------------------------

describe('calibration', () => {
  it('hand-made: best accuracy and EER thresholds, curve', () => {
    // same: 0.2 0.3 0.5; different: 0.4 0.6 0.7. Candidates: 0.195 (below), 0.25, 0.35, 0.45, 0.55, 0.65, 0.705.
    const pairs = [
      { distance: 0.2, same: true },
      { distance: 0.3, same: true },
      { distance: 0.5, same: true },
      { distance: 0.4, same: false },
      { distance: 0.6, same: false },
      { distance: 0.7, same: false },
    ];
    const c = calibrateThreshold(pairs);
    expect([c.positives, c.negatives]).toEqual([3, 3]);
    expect(c.curve.map((p) => +p.threshold.toFixed(6))).toEqual([0.195, 0.25, 0.35, 0.45, 0.55, 0.65, 0.705]);
    // Accepted below the threshold: tp 0 1 2 2 3 3 3, fp 0 0 0 1 1 2 3.
    expect(c.curve.map((p) => p.tp)).toEqual([0, 1, 2, 2, 3, 3, 3]);
    expect(c.curve.map((p) => p.fp)).toEqual([0, 0, 0, 1, 1, 2, 3]);
    // Accuracy 3/6 4/6 5/6 4/6 5/6 4/6 3/6: the best (5/6) first at 0.35.
    close(c.best.threshold, 0.35, 1e-12);
    close(c.best.accuracy, 5 / 6, 1e-12);
    // FAR - FRR: -1, -2/3, -1/3, 0 (at 0.45: FAR = FRR = 1/3) -> EER 1/3 at 0.45.
    close(c.eer.threshold, 0.45, 1e-12);
    close(c.eer.rate, 1 / 3, 1e-12);
  });

  it('EER interpolates between the crossing points; the best run picks its middle', () => {
    // same: 0.1 0.2; different: 0.3 0.4. FAR - FRR: -1, -1/2, 0 at 0.25 (both 0): EER 0 at 0.25.
    const c = calibrateThreshold([
      { distance: 0.1, same: true },
      { distance: 0.2, same: true },
      { distance: 0.3, same: false },
      { distance: 0.4, same: false },
    ]);
    close(c.best.threshold, 0.25, 1e-12);
    expect(c.best.accuracy).toBe(1);
    close(c.eer.rate, 0, 1e-12);
    close(c.eer.threshold, 0.25, 1e-12);
    // same 0.1, different 0.2, same 0.3: FAR - FRR at 0.095: -1, 0.15: -0.5, 0.25: +0.5 -> crossing halfway: 0.2,
    // rate halfway between (FAR 0, FRR 1/2) and (FAR 1, FRR 1/2): 1/2.
    const d = calibrateThreshold([
      { distance: 0.1, same: true },
      { distance: 0.2, same: false },
      { distance: 0.3, same: true },
    ]);
    close(d.eer.threshold, 0.2, 1e-12);
    close(d.eer.rate, 0.5, 1e-12);
    // Plateau: accuracy 2/3 at 0.15 and at 0.305 (3 candidates: 0.15 2/3, 0.25 1/3, 0.305 2/3): first run, 0.15.
    close(d.best.threshold, 0.15, 1e-12);
    // Balanced: 0.15 -> (1/2 + 1) / 2 = 3/4; 0.305 -> (1 + 0) / 2.
    const e = calibrateThreshold(
      [
        { distance: 0.1, same: true },
        { distance: 0.2, same: false },
        { distance: 0.3, same: true },
      ],
      { balanced: true },
    );
    close(e.best.threshold, 0.15, 1e-12);
    close(e.best.balancedAccuracy, 0.75, 1e-12);
  });

  it('from a labelled set: every pair', () => {
    const set = [
      { label: 'a', embedding: [0, 0] },
      { label: 'a', embedding: [0, 0.3] },
      { label: 'b', embedding: [1, 0] },
      { label: 'b', embedding: [1, 0.4] },
    ];
    const pairs = labelledPairs(set);
    expect(pairs.length).toBe(6);
    expect(pairs.filter((p) => p.same).map((p) => +p.distance.toFixed(6))).toEqual([0.3, 0.4]);
    const c = calibrateFromSet(set);
    expect(c.best.accuracy).toBe(1);
    expect(c.best.threshold).toBeGreaterThan(0.4);
    expect(c.best.threshold).toBeLessThan(1);
    expect(calibrateFromSet(set, { metric: 'cosine' }).positives).toBe(2);
  });

  it('rejects bad input', () => {
    expect(() => calibrateThreshold([{ distance: 0.1, same: true }])).toThrow(/needs same-person and different-person pairs, got 1 and 0/);
    expect(() => calibrateThreshold([{ distance: NaN, same: true }])).toThrow(/pair 0 must be \{ distance: finite number, same: boolean \}/);
    expect(() => calibrateThreshold([], { balance: true } as never)).toThrow(/unknown option 'balance'/);
    expect(() => calibrateFromSet([{ label: 1, embedding: [0] }] as never)).toThrow(/sample 0 must be \{ label: string, embedding \}/);
  });
});

// ---- persistence ---------------------------------------------------------------------------------------------------

describe('gallery file', () => {
  it('round trip through bytes keeps everything, bit for bit', async () => {
    const g = bigGallery({ metric: 'cosine', matching: 'sample', threshold: 0.25 });
    const bytes = g.toBytes();
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('FGGALLRY');
    const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + new DataView(bytes.buffer).getUint32(8, true))));
    expect(h).toMatchObject({ format: 'facegpu-gallery', version: 1, dim: DIM, metric: 'cosine', matching: 'sample', threshold: 0.25 });
    expect(h.counts.length).toBe(303);
    const back = FaceGallery.fromBytes(bytes.buffer);
    expect([back.metric, back.matching, back.threshold, back.dim]).toEqual(['cosine', 'sample', 0.25, DIM]);
    expect(back.names).toEqual(g.names);
    for (const n of g.names) expect(back.embeddings(n)).toEqual(g.embeddings(n));
    const ps = probes();
    expect(await back.identifyBatch(ps, { k: 3 })).toEqual(await g.identifyBatch(ps, { k: 3 }));
    // An empty gallery round-trips too; a threshold option overrides the file's.
    expect(FaceGallery.fromBytes(new FaceGallery().toBytes()).size).toBe(0);
    expect(FaceGallery.fromBytes(bytes, { threshold: 0.1 }).threshold).toBe(0.1);
  });

  /** A file with the header replaced (payload and its crc kept unless given). */
  function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void, payload?: Uint8Array): Uint8Array {
    const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
    const pay = payload ?? bytes.subarray((12 + hlen + 3) & ~3);
    if (payload) h.crc32 = crc32(payload);
    edit(h);
    const json = new TextEncoder().encode(JSON.stringify(h));
    const start = (12 + json.length + 3) & ~3;
    const out = new Uint8Array(start + pay.length);
    out.set(bytes.subarray(0, 8));
    new DataView(out.buffer).setUint32(8, json.length, true);
    out.set(json, 12);
    out.set(pay, start);
    return out;
  }

  it('corrupt files get InvalidModelFileError naming the problem', () => {
    const good = smallGallery().toBytes();
    const load = (b: Uint8Array) => () => FaceGallery.fromBytes(b, {}, 'gallery test.fgg');
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(0), /gallery test.fgg: too short for a gallery file \(0 bytes/],
      ['wrong magic', Uint8Array.from(good, (v, i) => (i === 0 ? 0x58 : v)), /not a facegpu gallery file \(no "FGGALLRY" magic/],
      ['truncated header', good.subarray(0, 30), /truncated: the header says \d+ bytes of JSON but the file has 18/],
      ['truncated payload', good.subarray(0, good.length - 5), /truncated: \d+ payload bytes, expected 36 \(3 vectors x 3 x 4\)/],
      ['trailing bytes', Uint8Array.of(...good, 0, 0, 0, 0), /4 unexpected bytes after the payload/],
      ['flipped payload bit', Uint8Array.from(good, (v, i) => (i === good.length - 2 ? v ^ 0x10 : v)), /checksum mismatch .*: the payload is corrupt/],
      ['newer version', withHeader(good, (h) => (h.version = 2)), /unsupported version 2 \(this build reads version 1\)/],
      ['other format', withHeader(good, (h) => (h.format = 'tfjs')), /header format is "tfjs", expected 'facegpu-gallery'/],
      ['bad dim', withHeader(good, (h) => (h.dim = -3)), /dim must be an integer in \[0, 65536\], got -3/],
      ['dims disagree with the payload', withHeader(good, (h) => (h.dim = 4)), /payloadBytes is 36, but 3 vectors of 4 f32 take 48/],
      ['counts disagree', withHeader(good, (h) => (h.counts = [1, 1])), /payloadBytes is 36, but 2 vectors of 3 f32 take 24/],
      ['counts missing a name', withHeader(good, (h) => (h.counts = [3])), /counts must hold one integer >= 1 per name \(2 names\)/],
      ['repeated names', withHeader(good, (h) => (h.names = ['a', 'a'])), /names repeat \(a\)/],
      ['unknown metric', withHeader(good, (h) => (h.metric = 'hamming')), /metric must be one of euclidean, cosine, got "hamming"/],
      ['NaN threshold', withHeader(good, (h) => (h.threshold = null)), /threshold must be a finite number, got null/],
      ['NaN in the payload', withHeader(good, () => {}, new Uint8Array(Float32Array.of(1, 0, 0, 0, 1, NaN, 0, 0, 2).buffer)), /vector 1 holds NaN at 2; values must be finite/],
      ['header not JSON', (() => { const b = good.slice(); b[12] = 0x7b; b[13] = 0x7b; return b; })(), /header is not valid JSON/],
    ];
    for (const [name, bytes, message] of cases) {
      expect(load(bytes), name).toThrow(InvalidModelFileError);
      expect(load(bytes), name).toThrow(message);
    }
    expect(() => FaceGallery.fromBytes('abc' as never)).toThrow(InvalidArgumentError);
  });

  describe('Node files', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'facegpu-gallery-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('save / load round trip; typed errors for missing files and directories', async () => {
      const file = join(dir, 'people.fgg');
      const g = bigGallery({ metric: 'euclidean', matching: 'mean', threshold: 0.55 });
      await saveGallery(g, file);
      expect(readdirSync(dir)).toEqual(['people.fgg']); // no temp file left
      const back = await loadGallery(file);
      expect(back.names).toEqual(g.names);
      expect(back.threshold).toBe(0.55);
      for (const n of ['id0', 'id299', 'twinB']) expect(back.embeddings(n)).toEqual(g.embeddings(n));
      // Overwrite in place.
      g.remove('id0');
      await saveGallery(g, file);
      expect((await loadGallery(file)).size).toBe(302);
      await expect(loadGallery(join(dir, 'nope.fgg'))).rejects.toThrow(/gallery .*nope.fgg: file not found/);
      await expect(loadGallery(dir)).rejects.toThrow(InvalidModelFileError);
      writeFileSync(join(dir, 'junk.fgg'), 'hello');
      await expect(loadGallery(join(dir, 'junk.fgg'))).rejects.toThrow(/junk.fgg: too short for a gallery file \(5 bytes/);
      await expect(saveGallery(g, join(dir, 'missing/sub/x.fgg'))).rejects.toThrow(/saveGallery: cannot write in .*missing\/sub \(ENOENT\)/);
    });

    it('a save killed mid-write (SIGKILL) leaves the previous file loadable', async () => {
      const file = join(dir, 'killed.fgg');
      const before = smallGallery({ threshold: 0.42 });
      await saveGallery(before, file);
      // The child: a 16 MB gallery, saved with each 1 MB write delayed (a slow disk), killed by us mid-write.
      const child = join(dir, 'child.mjs');
      const { build } = await import('rolldown');
      const entry = join(dir, 'child.ts');
      writeFileSync(
        entry,
        `import { open } from 'node:fs/promises';
import { FaceGallery } from ${JSON.stringify(join(root, 'src/face/gallery.ts'))};
import { saveGallery } from ${JSON.stringify(join(root, 'src/face/gallery-node.ts'))};
const fh = await open(${JSON.stringify(child)}, 'r');
const proto = Object.getPrototypeOf(fh);
await fh.close();
const write = proto.write;
proto.write = async function (...args) { await new Promise((r) => setTimeout(r, 20)); return write.apply(this, args); };
const g = new FaceGallery();
const v = new Float32Array(128);
for (let i = 0; i < 32768; i++) { v[0] = i; g.add('p' + i, v); }
process.stdout.write('saving\\n');
await saveGallery(g, process.argv[2]);
process.stdout.write('saved\\n');
`,
      );
      await build({ input: entry, platform: 'node', external: [/^node:/], logLevel: 'silent', output: { file: child, format: 'esm' } });
      const proc = spawn(process.execPath, [child, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      proc.stdout.on('data', (d) => (out += d));
      const exited = new Promise<NodeJS.Signals | null>((res) => proc.on('exit', (_code, sig) => res(sig)));
      // Wait until the temp file exists and holds part of the payload, then kill.
      let partial = -1;
      const t0 = Date.now();
      while (Date.now() - t0 < 60_000) {
        const tmp = readdirSync(dir).find((f) => f.startsWith('.killed.fgg.') && f.endsWith('.tmp'));
        const size = tmp ? statSync(join(dir, tmp), { throwIfNoEntry: false })?.size ?? 0 : 0;
        if (size > 0) {
          partial = size;
          proc.kill('SIGKILL');
          break;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(await exited).toBe('SIGKILL');
      expect(out).toBe('saving\n');
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(16 * 1024 * 1024);
      // The target is the previous gallery, intact; the torn temp file is there, and ignored.
      const stray = readdirSync(dir).filter((f) => f.startsWith('.killed.fgg.'));
      expect(stray.length).toBe(1);
      const back = await loadGallery(file);
      expect(back.names).toEqual(['alice', 'bob']);
      expect(back.threshold).toBe(0.42);
      expect(back.embeddings('alice')).toEqual(before.embeddings('alice'));
      // The next save cleans the dead process's temp file up.
      await saveGallery(back, file);
      expect(readdirSync(dir).filter((f) => f.startsWith('.killed.fgg.'))).toEqual([]);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file).length).toBe(back.toBytes().length);
    });
  });
});
