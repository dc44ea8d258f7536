// A multi-face tracker (SORT / DeepSORT family), pure TypeScript: no engine, no images. Each frame it predicts
// every track's box with a constant-velocity Kalman filter, and on frames where detection ran it associates the
// detections with the tracks by minimum-cost (Hungarian) assignment in stages:
//   1. confirmed tracks <- detections: cost mixes 1 - IoU(predicted box, detection) with the embedding distance;
//      pairs under the IoU gate or over the appearance gate are never matched (two faces crossing keep their ids
//      because the prediction and the appearance both point the right way);
//   2. re-identification: confirmed tracks that found nothing and lost tracks <- the rest, by embedding distance
//      alone (a person who walked out and back in gets their old id), or by IoU with the last box when there are
//      no embeddings;
//   3. tentative tracks <- the rest, by IoU;
//   4. every detection still unmatched starts a tentative track.
// Lifecycle: tentative -> confirmed after `minHits` matched detections (the public id is given then, so ids count
// 1, 2, 3... without gaps for the false positives that never confirm) -> lost after `maxMissed` detection rounds
// without a match -> ended after `maxLostFrames` frames lost. A tentative track that misses a detection round is
// dropped. Between detection rounds (detect every k-th frame) tracks coast on their prediction.
import { InvalidArgumentError } from '../runtime/errors.js';
import type { FaceBox } from '../face/nets/face-input.js';
import { hungarian } from './hungarian.js';
import { BoxKalman, DEFAULT_KALMAN_NOISE, iou, type KalmanNoise } from './kalman.js';

/** One detection given to the tracker. */
export interface TrackerDetection {
  box: FaceBox;
  /** Detector confidence (kept for the caller; the tracker does not weigh it). */
  score?: number;
  /** Appearance descriptor (e.g. the 128-d FaceRecognitionNet embedding): enables appearance cost and re-identification. */
  embedding?: Float32Array | readonly number[];
}

export type TrackState = 'tentative' | 'confirmed' | 'lost';

export interface TrackerOptions {
  /** Matched detections before a track is confirmed and gets its id. Default 3. */
  minHits?: number;
  /** Detection rounds in a row without a match before a confirmed track is lost. Default 5. */
  maxMissed?: number;
  /** Frames a lost track is remembered for re-identification before it ends. Default 300. */
  maxLostFrames?: number;
  /** Smallest IoU between a track's predicted box and a detection for them to be matched by motion. Default 0.1. */
  minIou?: number;
  /**
   * Appearance gate: a track and a detection whose embeddings are further apart (Euclidean, nearest of the track's
   * recent embeddings) are never matched by motion. Default 0.8 (FaceRecognitionNet: same person < 0.6).
   */
  maxEmbeddingDistance?: number;
  /** Re-identification gate (lost tracks, and tracks that lost the motion match): embedding distance. Default 0.5. */
  reidDistance?: number;
  /** Weight of the appearance term in the motion cost: (1 - w)(1 - IoU) + w d / maxEmbeddingDistance. Default 0.5. */
  appearanceWeight?: number;
  /** Recent embeddings a track keeps for appearance distances. Default 16. */
  featureBudget?: number;
  /** Kalman noise (fractions of the box size). */
  noise?: Partial<KalmanNoise>;
}

/** A snapshot of one track after a step. */
export interface TrackInfo {
  /** Public id (1, 2, ...) once confirmed; 0 while tentative. Kept through losses and re-identification. */
  id: number;
  /** Internal key, unique per track for the tracker's life (tentative tracks have one too). */
  key: number;
  state: TrackState;
  /** The filtered box estimate (Kalman posterior on a matched frame, prediction otherwise; last box when lost). */
  box: FaceBox;
  /** Index of the detection matched this step in the step's detections, or -1. */
  detection: number;
  /** Matched detections so far. */
  hits: number;
  /** Detection rounds in a row without a match. */
  missed: number;
  /** The frame the track started and the last frame it was matched. */
  firstFrame: number;
  lastFrame: number;
}

/** What one step did. */
export interface TrackerStep {
  /** The frame number of this step (0 for the first). */
  frame: number;
  /** Every tentative, confirmed and lost track after the step. */
  tracks: TrackInfo[];
  /** For each detection of the step, the track it went to (every detection goes to some track). */
  assigned: TrackInfo[];
  /** Tracks confirmed this step (they got their id). */
  started: TrackInfo[];
  /** Lost tracks re-identified this step (same id). */
  resumed: TrackInfo[];
  /** Confirmed tracks that became lost this step. */
  lost: TrackInfo[];
  /** Tracks removed this step (lost for longer than maxLostFrames). */
  ended: TrackInfo[];
  /** Tentative tracks dropped this step (never confirmed). */
  dropped: number;
}

const BIG = 1e9;

interface Track {
  key: number;
  id: number;
  state: TrackState;
  kf: BoxKalman;
  hits: number;
  missed: number;
  lostFrames: number;
  firstFrame: number;
  lastFrame: number;
  lastBox: FaceBox;
  features: Float32Array[];
  featureNext: number;
  detection: number;
}

type Resolved = Required<Omit<TrackerOptions, 'noise'>> & { noise: KalmanNoise };

function resolve(o: TrackerOptions): Resolved {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('Tracker: options must be an object');
  const known = ['minHits', 'maxMissed', 'maxLostFrames', 'minIou', 'maxEmbeddingDistance', 'reidDistance', 'appearanceWeight', 'featureBudget', 'noise'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new InvalidArgumentError(`Tracker: unknown option '${k}' (known: ${known.join(', ')})`);
  const int = (k: keyof TrackerOptions, d: number, lo: number): number => {
    const v = (o[k] as number | undefined) ?? d;
    if (!Number.isInteger(v) || v < lo) throw new InvalidArgumentError(`Tracker: ${k} must be an integer >= ${lo}, got ${JSON.stringify(o[k])}`);
    return v;
  };
  const num = (k: keyof TrackerOptions, d: number, lo: number, hi: number): number => {
    const v = (o[k] as number | undefined) ?? d;
    if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new InvalidArgumentError(`Tracker: ${k} must be a number in [${lo}, ${hi}], got ${JSON.stringify(o[k])}`);
    return v;
  };
  const noise = { ...DEFAULT_KALMAN_NOISE, ...(o.noise ?? {}) };
  for (const [k, v] of Object.entries(noise)) {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new InvalidArgumentError(`Tracker: noise.${k} must be a positive number, got ${JSON.stringify(v)}`);
  }
  return {
    minHits: int('minHits', 3, 1),
    maxMissed: int('maxMissed', 5, 1),
    maxLostFrames: int('maxLostFrames', 300, 0),
    minIou: num('minIou', 0.1, 0, 1),
    maxEmbeddingDistance: num('maxEmbeddingDistance', 0.8, 0, Infinity),
    reidDistance: num('reidDistance', 0.5, 0, Infinity),
    appearanceWeight: num('appearanceWeight', 0.5, 0, 1),
    featureBudget: int('featureBudget', 16, 1),
    noise,
  };
}

function checkBox(where: string, b: unknown): FaceBox {
  const box = b as FaceBox;
  if (!box || typeof box !== 'object' || ![box.x, box.y, box.width, box.height].every((v) => typeof v === 'number' && Number.isFinite(v)) || box.width <= 0 || box.height <= 0) {
    throw new InvalidArgumentError(`${where}: box must be { x, y, width, height } finite numbers with a positive size, got ${JSON.stringify(b)}`);
  }
  return { x: box.x, y: box.y, width: box.width, height: box.height };
}

/** Euclidean distance from `e` to the nearest of a track's recent embeddings (Infinity when it has none). */
function featureDistance(t: Track, e: Float32Array): number {
  let best = Infinity;
  for (const f of t.features) {
    let s = 0;
    for (let i = 0; i < e.length; i++) {
      const d = e[i]! - f[i]!;
      s += d * d;
    }
    if (s < best) best = s;
  }
  return Math.sqrt(best);
}

export class Tracker {
  readonly options: Readonly<Resolved>;
  private tracks: Track[] = [];
  private frame = -1;
  private nextKey = 1;
  private nextId = 1;
  private dim = 0;

  constructor(options: TrackerOptions = {}) {
    this.options = resolve(options);
  }

  /** The frame number of the last step (-1 before the first). */
  get frameIndex(): number {
    return this.frame;
  }

  /** Every track now (tentative, confirmed, lost). */
  get all(): TrackInfo[] {
    return this.tracks.map((t) => info(t));
  }

  /**
   * Advances one frame. `detections`: this frame's faces, or null when detection did not run on this frame (the
   * tracks coast on their prediction and nothing counts as missed).
   */
  step(detections: readonly TrackerDetection[] | null): TrackerStep {
    const o = this.options;
    // Bad input throws before any state changes.
    const dets = detections === null ? null : this.parse(detections);
    const frame = ++this.frame;
    const out: TrackerStep = { frame, tracks: [], assigned: [], started: [], resumed: [], lost: [], ended: [], dropped: 0 };
    for (const t of this.tracks) {
      t.detection = -1;
      if (t.state === 'lost') t.lostFrames++;
      else t.kf.predict();
    }
    if (dets) this.associate(dets, frame, out);
    // Retire lost tracks past their memory.
    const keep: Track[] = [];
    for (const t of this.tracks) {
      if (t.state === 'lost' && t.lostFrames > o.maxLostFrames) out.ended.push(info(t));
      else keep.push(t);
    }
    this.tracks = keep;
    out.tracks = this.tracks.map((t) => info(t));
    if (dets) {
      const byKey = new Map(out.tracks.map((t) => [t.key, t]));
      out.assigned = dets.map((_, i) => byKey.get(this.tracks.find((t) => t.detection === i)!.key)!);
    }
    return out;
  }

  /** Ends every track (the end of the video): returns the confirmed and lost ones, as track-end would. */
  finish(): TrackInfo[] {
    const ended = this.tracks.filter((t) => t.state !== 'tentative').map((t) => info(t));
    this.tracks = [];
    return ended;
  }

  private parse(detections: readonly TrackerDetection[]): { box: FaceBox; emb?: Float32Array }[] {
    if (!Array.isArray(detections)) throw new InvalidArgumentError('Tracker.step: detections must be an array or null');
    return detections.map((d, i) => {
      if (!d || typeof d !== 'object') throw new InvalidArgumentError(`Tracker.step: detection ${i} must be { box, embedding? }`);
      const box = checkBox(`Tracker.step: detection ${i}`, d.box);
      if (d.embedding === undefined) return { box };
      const emb = Float32Array.from(d.embedding as ArrayLike<number>);
      if (emb.length === 0 || !emb.every(Number.isFinite)) throw new InvalidArgumentError(`Tracker.step: detection ${i}: embedding must be a non-empty array of finite numbers`);
      if (this.dim === 0) this.dim = emb.length;
      else if (emb.length !== this.dim) throw new InvalidArgumentError(`Tracker.step: detection ${i}: embedding has ${emb.length} values, earlier ones had ${this.dim}`);
      return { box, emb };
    });
  }

  private associate(dets: { box: FaceBox; emb?: Float32Array }[], frame: number, out: TrackerStep): void {
    const o = this.options;
    const free = new Set(dets.map((_, i) => i));
    const matched = new Set<Track>();
    const confirmed = this.tracks.filter((t) => t.state === 'confirmed');

    // 1. Confirmed tracks by motion + appearance.
    this.assign(confirmed, free, (t, d) => {
      const ov = iou(t.kf.box(), d.box);
      if (ov < o.minIou) return BIG;
      if (!d.emb || t.features.length === 0) return 1 - ov;
      const dist = featureDistance(t, d.emb);
      if (dist > o.maxEmbeddingDistance) return BIG;
      return (1 - o.appearanceWeight) * (1 - ov) + (o.appearanceWeight * dist) / Math.max(o.maxEmbeddingDistance, 1e-9);
    }, dets, (t, i) => {
      this.hit(t, dets[i]!, i, frame);
      matched.add(t);
    });

    // 2. Re-identification: confirmed tracks without a motion match, and lost ones.
    const reid = this.tracks.filter((t) => (t.state === 'confirmed' && !matched.has(t)) || t.state === 'lost');
    this.assign(reid, free, (t, d) => {
      if (d.emb && t.features.length) {
        const dist = featureDistance(t, d.emb);
        return dist <= o.reidDistance ? dist : BIG;
      }
      // No appearance: only a lost track whose last box the detection overlaps.
      if (t.state !== 'lost') return BIG;
      const ov = iou(t.lastBox, d.box);
      return ov >= o.minIou ? 1 - ov : BIG;
    }, dets, (t, i) => {
      const wasLost = t.state === 'lost';
      if (wasLost) {
        t.state = 'confirmed';
        t.lostFrames = 0;
      }
      t.kf.reset(dets[i]!.box);
      this.hit(t, dets[i]!, i, frame);
      matched.add(t);
      if (wasLost) out.resumed.push(info(t));
    });

    // 3. Tentative tracks by motion.
    const tentative = this.tracks.filter((t) => t.state === 'tentative');
    this.assign(tentative, free, (t, d) => {
      const ov = iou(t.kf.box(), d.box);
      if (ov < o.minIou) return BIG;
      if (d.emb && t.features.length && featureDistance(t, d.emb) > o.maxEmbeddingDistance) return BIG;
      return 1 - ov;
    }, dets, (t, i) => {
      this.hit(t, dets[i]!, i, frame);
      matched.add(t);
    });

    // Misses, confirmations, losses, drops.
    const keep: Track[] = [];
    for (const t of this.tracks) {
      if (!matched.has(t)) {
        if (t.state === 'tentative') {
          out.dropped++;
          continue;
        }
        if (t.state === 'confirmed') {
          t.missed++;
          if (t.missed >= o.maxMissed) {
            t.state = 'lost';
            t.lostFrames = 0;
            out.lost.push(info(t));
          }
        }
      } else if (t.state === 'tentative' && t.hits >= o.minHits) {
        t.state = 'confirmed';
        t.id = this.nextId++;
        out.started.push(info(t));
      }
      keep.push(t);
    }
    // 4. New tentative tracks (confirmed at once when minHits is 1).
    for (const i of free) {
      const d = dets[i]!;
      const t: Track = {
        key: this.nextKey++,
        id: 0,
        state: 'tentative',
        kf: new BoxKalman(d.box, o.noise),
        hits: 0,
        missed: 0,
        lostFrames: 0,
        firstFrame: frame,
        lastFrame: frame,
        lastBox: d.box,
        features: [],
        featureNext: 0,
        detection: -1,
      };
      this.hit(t, d, i, frame, false);
      if (t.hits >= o.minHits) {
        t.state = 'confirmed';
        t.id = this.nextId++;
        out.started.push(info(t));
      }
      keep.push(t);
    }
    this.tracks = keep;
  }

  /** Hungarian assignment of `tracks` to the free detections; pairs costing BIG are left unmatched. */
  private assign(
    tracks: Track[],
    free: Set<number>,
    cost: (t: Track, d: { box: FaceBox; emb?: Float32Array }) => number,
    dets: { box: FaceBox; emb?: Float32Array }[],
    onMatch: (t: Track, det: number) => void,
  ): void {
    const cols = [...free];
    if (tracks.length === 0 || cols.length === 0) return;
    const c = new Float64Array(tracks.length * cols.length);
    tracks.forEach((t, r) => cols.forEach((d, k) => (c[r * cols.length + k] = cost(t, dets[d]!))));
    const a = hungarian(c, tracks.length, cols.length);
    tracks.forEach((t, r) => {
      const k = a[r]!;
      if (k < 0 || c[r * cols.length + k]! >= BIG) return;
      free.delete(cols[k]!);
      onMatch(t, cols[k]!);
    });
  }

  private hit(t: Track, d: { box: FaceBox; emb?: Float32Array }, index: number, frame: number, update = true): void {
    if (update) t.kf.update(d.box);
    t.hits++;
    t.missed = 0;
    t.lastFrame = frame;
    t.detection = index;
    t.lastBox = t.kf.box();
    if (d.emb) {
      const budget = this.options.featureBudget;
      if (t.features.length < budget) t.features.push(d.emb);
      else t.features[t.featureNext] = d.emb;
      t.featureNext = (t.featureNext + 1) % budget;
    }
  }
}

function info(t: Track): TrackInfo {
  const box = t.state === 'lost' ? t.lastBox : t.kf.box();
  return {
    id: t.id,
    key: t.key,
    state: t.state,
    box: { ...box },
    detection: t.detection,
    hits: t.hits,
    missed: t.missed,
    firstFrame: t.firstFrame,
    lastFrame: t.lastFrame,
  };
}
