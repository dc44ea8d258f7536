// Trains a REAN / naive-LSTM aggregator on frozen embeddings, on the engine's backend (wasm or webgpu), seeded.
// Each step takes B random windows of one random length L (8..longest) from tracks at least L long, so batches
// need no padding (training through a masked recurrent layer is not supported) and every epoch sees new windows.
import type { Engine } from '../../runtime/engine.js';
import { InvalidArgumentError } from '../../runtime/errors.js';
import { optimizers } from '../../nn/optimizers.js';
import { Rng } from '../../nn/rng.js';
import type { TrackFrame } from '../types.js';
import { CUES, fitStandardizer, packBatch, rawFeatures, type Standardizer } from './features.js';
import { AggregatorNet, TRAINED_KINDS, type TrainedKind } from './net.js';
import { serializeWeights, type AggregatorWeightsFile } from './weights.js';
import { checkTrack } from './pooling.js';

export interface LabelledTrack {
  frames: readonly TrackFrame[];
  /** Identity index in [0, classes). */
  label: number;
}

export interface TrainAggregatorOptions {
  epochs?: number;
  /** Tracks per step (default 32). */
  batchSize?: number;
  /** Recurrent units (default 32). */
  units?: number;
  learningRate?: number;
  /** Cosine-softmax scale s: logits = s cos(track embedding, identity centroid) (default 32). */
  scale?: number;
  seed?: number;
  /** Shortest training window (default 8, or the shortest track). */
  minWindow?: number;
  /** Identity centroids [classes][D]; default: the mean unit embedding of each identity's frames. */
  centroids?: readonly Float32Array[];
  onEpochEnd?: (epoch: number, logs: { loss: number; acc: number; ms: number }) => void | Promise<void>;
}

export interface TrainAggregatorResult {
  weights: AggregatorWeightsFile;
  history: { loss: number[]; acc: number[]; epochMs: number[] };
  backend: string;
}

const unit = (v: ArrayLike<number>): Float64Array => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return Float64Array.from(v as ArrayLike<number>, (x) => x * inv);
};

export async function trainAggregator(engine: Engine, kind: TrainedKind, tracks: readonly LabelledTrack[], options: TrainAggregatorOptions = {}): Promise<TrainAggregatorResult> {
  const where = 'trainAggregator';
  if (!TRAINED_KINDS.includes(kind)) throw new InvalidArgumentError(`${where}: kind must be one of ${TRAINED_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (!Array.isArray(tracks) || tracks.length === 0) throw new InvalidArgumentError(`${where}: needs at least one labelled track`);
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 32;
  const units = options.units ?? 32;
  const lr = options.learningRate ?? 3e-3;
  const scale = options.scale ?? 32;
  const seed = options.seed ?? 1;
  for (const [k, v] of Object.entries({ epochs, batchSize, units })) if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${where}: ${k} must be an integer >= 1, got ${v}`);
  if (!(lr > 0) || !(scale > 0)) throw new InvalidArgumentError(`${where}: learningRate and scale must be > 0`);
  const D = checkTrack(where, tracks[0]!.frames);
  let classes = 0;
  tracks.forEach((t, i) => {
    if (checkTrack(`${where}: track ${i}`, t.frames) !== D) throw new InvalidArgumentError(`${where}: track ${i} has ${t.frames[0]!.embedding.length}-d embeddings, track 0 ${D}-d`);
    if (!Number.isInteger(t.label) || t.label < 0) throw new InvalidArgumentError(`${where}: track ${i} label must be an integer >= 0, got ${t.label}`);
    classes = Math.max(classes, t.label + 1);
  });
  if (classes < 2) throw new InvalidArgumentError(`${where}: needs tracks of at least 2 identities (a softmax over one class learns nothing)`);
  const F = D + CUES;

  // Centroids: unit vectors, given or the mean unit frame embedding per identity.
  let cents: Float64Array[];
  if (options.centroids) {
    if (options.centroids.length !== classes || options.centroids.some((c) => c.length !== D)) throw new InvalidArgumentError(`${where}: centroids must be ${classes} vectors of ${D} values`);
    cents = options.centroids.map(unit);
  } else {
    const acc = Array.from({ length: classes }, () => new Float64Array(D));
    for (const t of tracks) for (const f of t.frames) unit(f.embedding).forEach((v, i) => (acc[t.label]![i] += v));
    cents = acc.map(unit);
  }
  const ct = new Float32Array(D * classes);
  const c = new Float32Array(classes * D);
  cents.forEach((v, k) => v.forEach((x, i) => ((ct[i * classes + k] = scale * x), (c[k * D + i] = scale * x))));

  const st: Standardizer = fitStandardizer(tracks.map((t) => rawFeatures(t.frames)), F);
  const net = new AggregatorNet(engine, { kind, units, dim: D, features: F }, seed);
  const opt = optimizers.adam({ learningRate: lr, clipNorm: 5 });
  const centroidsT = engine.tensor(ct, [D, classes]);
  const centroids = engine.tensor(c, [classes, D]);
  const rng = new Rng(seed + 7919);
  const maxLen = Math.max(...tracks.map((t) => t.frames.length));
  const minWindow = Math.min(options.minWindow ?? 8, maxLen);
  const steps = Math.max(1, Math.ceil(tracks.length / batchSize));
  const history = { loss: [] as number[], acc: [] as number[], epochMs: [] as number[] };
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const t0 = performance.now();
      // Cosine decay to 5% of the rate: the last epochs settle instead of jumping between minima, so the
      // result depends less on the seed. Adam reads its learningRate at every step.
      (opt as { learningRate: number }).learningRate = lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs)));
      const acc = engine.tensor([0, 0], [2]);
      let samples = 0;
      try {
        for (let s = 0; s < steps; s++) {
          const L = minWindow + Math.floor(rng.next() * (maxLen - minWindow + 1));
          const pool = tracks.filter((t) => t.frames.length >= L);
          rng.shuffle(pool);
          const chosen = pool.slice(0, batchSize);
          const windows = chosen.map((t) => {
            const start = Math.floor(rng.next() * (t.frames.length - L + 1));
            return rawFeatures(t.frames.slice(start, start + L));
          });
          const { x, e } = packBatch(windows, D, st, L);
          const labels = new Float32Array(chosen.length * classes);
          chosen.forEach((t, b) => (labels[b * classes + t.label] = 1));
          net.trainStep(opt, { x, e, labels, B: chosen.length, T: L }, centroidsT, centroids, acc, rng);
          samples += chosen.length;
        }
        const sums = await acc.data();
        const ms = performance.now() - t0;
        const loss = sums[0]! / samples;
        if (!Number.isFinite(loss)) throw new InvalidArgumentError(`${where}: the loss became ${loss} in epoch ${epoch + 1} (learning rate too high?)`);
        history.loss.push(loss);
        history.acc.push(sums[1]! / samples);
        history.epochMs.push(ms);
        await options.onEpochEnd?.(epoch, { loss, acc: sums[1]! / samples, ms });
      } finally {
        acc.dispose();
      }
    }
    const values = await net.getWeights();
    const weights = serializeWeights(kind, units, D, st, net.weights, values, {
      seed,
      epochs,
      batchSize,
      learningRate: lr,
      schedule: 'cosine to 5%',
      scale,
      tracks: tracks.length,
      classes,
      backend: engine.backendName,
      loss: history.loss.map((v) => +v.toFixed(5)),
    });
    return { weights, history, backend: engine.backendName };
  } finally {
    net.dispose();
    opt.dispose();
    centroidsT.dispose();
    centroids.dispose();
  }
}
