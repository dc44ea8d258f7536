// Shared by scripts/video-build-tracks.mjs, scripts/video-train-aggregators.mjs, scripts/video-eval-aggregators.mjs
// and test/video/aggregat*.test.ts: the identity split, the seeded RNG, and the track cache format.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { DATA, ROOT, readLfw, writeFileAtomic } from './eval-common.mjs';

export { ROOT, DATA, writeFileAtomic };
export const CACHE_DIR = resolve(ROOT, '.cache/video');
/** The same tracks embedded from 68-point aligned chips (video-build-tracks.mjs --aligned). */
export const ALIGNED_CACHE_DIR = resolve(ROOT, '.cache/video-aligned');
export const JOHNS_DIR = join(DATA, 'dlib-johns');
/** Seed of the identity split and of every synthetic track. */
export const TRACK_SEED = 20261122;
/** Cache format version: bump when the track builder changes, so old caches are rebuilt. */
export const CACHE_VERSION = 1;
export const EMB = 128;
/** Per cached frame: 128 embedding values, then score, faceSize, sharpness, missed (0/1), other face (0/1). */
export const FRAME_STRIDE = EMB + 5;

/** mulberry32: small, seeded, good enough for sampling. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    shuffle(arr) {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [arr[i], arr[j]] = [arr[j], arr[i]];
      }
      return arr;
    },
  };
}

/**
 * The identities: lfw-id40 shuffled with TRACK_SEED, 30 for training, 10 held out; the 5 dlib-johns train too.
 * Each: { name, source: 'lfw' | 'johns', images: [paths], split: 'train' | 'eval' }.
 */
export function identities() {
  const lfw = readLfw();
  const names = [...new Set(lfw.map((r) => r.identity))].sort();
  const order = rng(TRACK_SEED).shuffle([...names]);
  const out = order.map((name, i) => ({
    name,
    source: 'lfw',
    split: i < 30 ? 'train' : 'eval',
    images: lfw.filter((r) => r.identity === name).sort((a, b) => a.index - b.index).map((r) => r.path),
  }));
  for (const name of readdirSync(JOHNS_DIR).filter((n) => !n.includes('.')).sort()) {
    const files = readdirSync(join(JOHNS_DIR, name)).filter((f) => /\.(jpg|png)$/i.test(f)).sort();
    out.push({ name, source: 'johns', split: 'train', images: files.map((f) => join(JOHNS_DIR, name, f)) });
  }
  return out;
}

/** Held-out identities are enrolled from their first ENROL_IMAGES clean stills; probe tracks use the others. */
export const ENROL_IMAGES = 3;

/**
 * Loads the track cache: { meta, frames: Float32Array } (see video-build-tracks.mjs), or null when absent or
 * built by another version.
 */
export function loadTrackCache(dir = CACHE_DIR) {
  const metaPath = join(dir, 'tracks.json');
  const binPath = join(dir, 'frames.f32');
  if (!existsSync(metaPath) || !existsSync(binPath)) return dir === CACHE_DIR ? loadPackedTrackCache() : null;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  if (meta.version !== CACHE_VERSION) return null;
  const buf = readFileSync(binPath);
  const frames = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  return { meta, frames };
}

/**
 * The committed copy of the track cache (test/video/fixtures/track-cache.*.gz, written by
 * `node scripts/video-pack-cache.mjs`): embeddings as int8 with a per-frame scale (max |v| / 127), the 5 cues
 * as f32. A fresh clone (CI) reads it instead of spending ~20 min on 2 cores rebuilding the cache; the
 * quantisation moves each embedding value by at most 0.4% of the frame's largest value.
 */
export const PACKED_CACHE = { meta: join(ROOT, 'test/video/fixtures/track-cache.json.gz'), frames: join(ROOT, 'test/video/fixtures/track-cache.q8.gz') };
const PACKED_STRIDE = 4 + EMB + 4 * 5;

export function packTrackCache(cache) {
  const n = cache.meta.frames;
  const out = Buffer.alloc(n * PACKED_STRIDE);
  for (let i = 0; i < n; i++) {
    const o = i * FRAME_STRIDE;
    const p = i * PACKED_STRIDE;
    let m = 0;
    for (let k = 0; k < EMB; k++) m = Math.max(m, Math.abs(cache.frames[o + k]));
    const scale = m / 127 || 1;
    out.writeFloatLE(scale, p);
    for (let k = 0; k < EMB; k++) out.writeInt8(Math.round(cache.frames[o + k] / scale), p + 4 + k);
    for (let k = 0; k < 5; k++) out.writeFloatLE(cache.frames[o + EMB + k], p + 4 + EMB + 4 * k);
  }
  return { meta: gzipSync(JSON.stringify(cache.meta), { level: 9 }), frames: gzipSync(out, { level: 9 }) };
}

export function loadPackedTrackCache() {
  if (!existsSync(PACKED_CACHE.meta) || !existsSync(PACKED_CACHE.frames)) return null;
  const meta = JSON.parse(gunzipSync(readFileSync(PACKED_CACHE.meta)).toString('utf8'));
  if (meta.version !== CACHE_VERSION) return null;
  const buf = gunzipSync(readFileSync(PACKED_CACHE.frames));
  const frames = new Float32Array(meta.frames * FRAME_STRIDE);
  for (let i = 0; i < meta.frames; i++) {
    const o = i * FRAME_STRIDE;
    const p = i * PACKED_STRIDE;
    const scale = buf.readFloatLE(p);
    for (let k = 0; k < EMB; k++) frames[o + k] = buf.readInt8(p + 4 + k) * scale;
    for (let k = 0; k < 5; k++) frames[o + EMB + k] = buf.readFloatLE(p + 4 + EMB + 4 * k);
  }
  return { meta, frames, packed: true };
}

export function ensureDir(d) {
  mkdirSync(d, { recursive: true });
  return d;
}

/** A track's frames as TrackFrame objects (embedding + quality) plus the synthetic labels (missed, other). */
export function trackFrames(cache, track) {
  const out = [];
  for (let t = 0; t < track.length; t++) {
    const o = (track.start + t) * FRAME_STRIDE;
    const f = cache.frames;
    out.push({
      embedding: f.slice(o, o + EMB),
      quality: { score: f[o + EMB], faceSize: f[o + EMB + 1], sharpness: f[o + EMB + 2] },
      missed: f[o + EMB + 3] === 1,
      other: f[o + EMB + 4] === 1,
    });
  }
  return out;
}

// ---- training and evaluation, shared by the scripts and the tests --------------------------------------------

const unitVec = (v) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return Float32Array.from(v, (x) => x * inv);
};

/** Training tracks with labels 0..K-1 (train identities in cache order) and their clean-still centroids. */
export function trainingSet(cache) {
  const { meta } = cache;
  const trainIds = meta.identities.map((id, k) => ({ id, k })).filter((x) => x.id.split === 'train');
  const label = new Map(trainIds.map((x, i) => [x.k, i]));
  const tracks = meta.tracks.filter((t) => t.split === 'train').map((t) => ({ frames: trackFrames(cache, t), label: label.get(t.identity) }));
  const centroids = trainIds.map(({ k }) => {
    const acc = new Float64Array(EMB);
    for (const s of meta.stills) if (s.identity === k) unitVec(s.embedding).forEach((v, i) => (acc[i] += v));
    return unitVec(acc);
  });
  return { tracks, centroids, classes: trainIds.length };
}

/** Held-out: gallery templates from the first ENROL_IMAGES clean stills per identity, probe tracks. */
export function heldOutSet(cache) {
  const { meta } = cache;
  const evalIds = meta.identities.map((id, k) => ({ id, k })).filter((x) => x.id.split === 'eval');
  const label = new Map(evalIds.map((x, i) => [x.k, i]));
  const templates = evalIds.map(({ k }) => {
    const acc = new Float64Array(EMB);
    for (const s of meta.stills) if (s.identity === k && s.image < ENROL_IMAGES) unitVec(s.embedding).forEach((v, i) => (acc[i] += v));
    return unitVec(acc);
  });
  const probes = meta.tracks.filter((t) => t.split === 'eval').map((t) => ({ frames: trackFrames(cache, t), label: label.get(t.identity) }));
  return { templates, probes, names: evalIds.map((x) => x.id.name) };
}

/**
 * Closed-set top-1 identification (cosine to each identity's template) and verification TAR at FAR = 1%
 * (every probe against every template: 1 genuine and K - 1 impostor pairs; the threshold is the smallest that
 * lets at most 1% of impostor pairs through).
 */
export function scoreEmbeddings(embeddings, labels, templates, far = 0.01) {
  const genuine = [];
  const impostor = [];
  let correct = 0;
  embeddings.forEach((e, p) => {
    const u = unitVec(e);
    let best = -1;
    let bestS = -Infinity;
    templates.forEach((t, k) => {
      let s = 0;
      for (let i = 0; i < u.length; i++) s += u[i] * t[i];
      if (s > bestS) {
        bestS = s;
        best = k;
      }
      (k === labels[p] ? genuine : impostor).push(s);
    });
    if (best === labels[p]) correct++;
  });
  impostor.sort((a, b) => b - a);
  const thr = impostor[Math.floor(far * impostor.length)];
  const tar = genuine.filter((s) => s > thr).length / genuine.length;
  return { top1: correct / embeddings.length, tar, threshold: thr, probes: embeddings.length };
}

/** Training settings of the shipped weights and the report (one place, so both use the same). */
export const TRAIN_SETTINGS = { epochs: 30, batchSize: 32, units: 32, learningRate: 3e-3, scale: 32 };
export const SHIP_SEED = 1;
export const REPORT_SEEDS = [1, 2, 3];
export const TRAINED = ['naive-lstm', 'rean-gru', 'rean-lstm'];
export const ALL_KINDS = ['best-frame', 'mean', 'quality', 'naive-lstm', 'rean-gru', 'rean-lstm'];

/**
 * Trains `kind` on the training tracks (engine's backend) and returns its weights and per-epoch history.
 * `agg`: the aggregators module (src/ in tests, dist/ in scripts).
 */
export async function trainKind(agg, engine, train, kind, seed, settings = TRAIN_SETTINGS, onEpochEnd) {
  return agg.trainAggregator(engine, kind, train.tracks, { ...settings, seed, centroids: train.centroids, onEpochEnd });
}

/** Held-out scores of one aggregator (created from `weights` for the trained kinds). */
export async function evaluateKind(agg, engine, heldOut, kind, weights) {
  const a = await agg.createAggregator(engine, kind, weights ? { weights } : {});
  try {
    const tracks = heldOut.probes.map((p) => p.frames);
    const embs = a.aggregateBatch ? await a.aggregateBatch(tracks) : await Promise.all(tracks.map((t) => a.aggregate(t)));
    return scoreEmbeddings(embs, heldOut.probes.map((p) => p.label), heldOut.templates);
  } finally {
    a.dispose();
  }
}

/** mean and spread (max - min) of numbers. */
export function meanSpread(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, spread: Math.max(...xs) - Math.min(...xs), values: xs };
}
