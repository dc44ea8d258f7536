// The untrained aggregators: best frame, mean and detector-score-weighted mean. Plain f32/f64 host arithmetic: a
// track is at most a few hundred 128-d vectors, far below what a kernel launch would pay back.
import { InvalidArgumentError } from '../../runtime/errors.js';
import type { Aggregator, AggregatorKind, TrackFrame } from '../types.js';

/** Checks a track: non-empty, every embedding the same length, finite quality cues. Returns the embedding size. */
export function checkTrack(where: string, frames: readonly TrackFrame[]): number {
  if (!Array.isArray(frames) || frames.length === 0) throw new InvalidArgumentError(`${where}: a track needs at least one frame`);
  const dim = frames[0]?.embedding?.length;
  for (let t = 0; t < frames.length; t++) {
    const f = frames[t];
    if (!f || !(f.embedding instanceof Float32Array) || f.embedding.length === 0) {
      throw new InvalidArgumentError(`${where}: frame ${t} needs an embedding Float32Array`);
    }
    if (f.embedding.length !== dim) throw new InvalidArgumentError(`${where}: frame ${t} embedding has ${f.embedding.length} values, frame 0 has ${dim}`);
    const q = f.quality;
    if (!q || ![q.score, q.faceSize, q.sharpness].every(Number.isFinite)) {
      throw new InvalidArgumentError(`${where}: frame ${t} quality needs finite score, faceSize and sharpness, got ${JSON.stringify(q)}`);
    }
  }
  return dim;
}

/** v / ||v|| in f64, returned as f32; a zero vector stays zero. */
export function l2Normalize(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}

/** sum_t w_t e_t / sum_t w_t, then L2-normalised; uniform weights when they sum to 0. */
export function weightedMean(frames: readonly TrackFrame[], weights: ArrayLike<number>): Float32Array {
  const dim = frames[0].embedding.length;
  let total = 0;
  for (let t = 0; t < frames.length; t++) total += weights[t];
  const acc = new Float64Array(dim);
  for (let t = 0; t < frames.length; t++) {
    const w = total > 0 ? weights[t] / total : 1 / frames.length;
    const e = frames[t].embedding;
    for (let i = 0; i < dim; i++) acc[i] += w * e[i];
  }
  return l2Normalize(acc);
}

/** Index of the frame best-frame keeps: highest detector score x sharpness (the first on ties). */
export function bestFrameIndex(frames: readonly TrackFrame[]): number {
  let best = 0;
  let bestQ = -Infinity;
  for (let t = 0; t < frames.length; t++) {
    const q = frames[t].quality.score * frames[t].quality.sharpness;
    if (q > bestQ) {
      bestQ = q;
      best = t;
    }
  }
  return best;
}

class PoolingAggregator implements Aggregator {
  private disposed = false;
  constructor(
    readonly kind: AggregatorKind,
    private readonly pool: (frames: readonly TrackFrame[]) => Float32Array,
  ) {}
  async aggregate(frames: readonly TrackFrame[]): Promise<Float32Array> {
    return this.aggregateSync(frames);
  }
  /** The same as aggregate(), synchronously (these kinds need no device work). */
  aggregateSync(frames: readonly TrackFrame[]): Float32Array {
    if (this.disposed) throw new InvalidArgumentError(`aggregator '${this.kind}': used after dispose()`);
    checkTrack(`aggregator '${this.kind}'`, frames);
    return this.pool(frames);
  }
  dispose(): void {
    this.disposed = true;
  }
}

export function bestFrameAggregator(): Aggregator {
  return new PoolingAggregator('best-frame', (f) => l2Normalize(f[bestFrameIndex(f)].embedding));
}

export function meanAggregator(): Aggregator {
  return new PoolingAggregator('mean', (f) => weightedMean(f, new Float64Array(f.length).fill(1)));
}

/** Detector-score-weighted mean (scores clamped at 0). */
export function qualityAggregator(): Aggregator {
  return new PoolingAggregator('quality', (f) => weightedMean(f, f.map((x) => Math.max(0, x.quality.score))));
}
