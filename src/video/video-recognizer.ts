// Video face recognition: detection (every k-th frame) -> 128-d embeddings -> tracker -> per-track ring of
// (embedding, quality) -> temporal aggregator -> gallery identity per track. Created by FaceRecognizer.video().
//
//   const vr = fr.video({ gallery, aggregator: 'mean', detectEvery: 2 });
//   for (const frame of frames) for (const ev of await vr.push(frame)) console.log(ev.type, ev.trackId, ev.identity);
//   await vr.end();     // track-end for the tracks still open
//   vr.dispose();
//
// Or `for await (const r of vr.recognizeVideo(source, { onProgress }))` over a whole source.
import { InvalidArgumentError } from '../runtime/errors.js';
import { BrowserImage, isBrowserImageSource, type BrowserImageSource, type RgbaImage } from '../face/image.js';
import type { FaceBox } from '../face/nets/face-input.js';
import type { FacePoint } from '../face/landmark-net.js';
import type { FaceGallery } from '../face/gallery.js';
import type { DetectedFace, DetectOptions, FaceRecognizer } from '../face/recognizer.js';
import { createAggregator } from './aggregators/index.js';
import { sharpness } from './quality.js';
import { AGGREGATOR_KINDS, type Aggregator, type AggregatorKind, type TrackFrame } from './types.js';
import { Tracker, type TrackerOptions, type TrackInfo } from './tracker.js';
import { framesFrom, isFrameSource, type FrameInput, type FrameSource, type SourceFrame } from './frames.js';

/**
 * A frame for push(): RGBA pixels, a source frame with its timestamp, or in browsers an image source (a <video>,
 * VideoFrame, ImageBitmap, canvas...), which the networks read straight from the GPU on webgpu.
 */
export type VideoFrameInput = RgbaImage | SourceFrame | BrowserImageSource;

/** A face found in a frame, as the injected `detectFaces` returns it. */
export interface VideoDetection {
  box: FaceBox;
  /** Detector confidence in [0, 1] (default 1). */
  score?: number;
  /** 5 or 68 points: the embedding is aligned from them. */
  landmarks?: FacePoint[];
  /** A precomputed 128-d descriptor: skips FaceRecognitionNet for this face. */
  descriptor?: Float32Array;
}

export interface VideoRecognizerOptions {
  /** Temporal aggregator: a kind (default 'rean-gru', the shipped REAN weights) or an Aggregator you own. */
  aggregator?: AggregatorKind | Aggregator;
  /** createAggregator options for a kind (e.g. trained weights). */
  aggregatorOptions?: Record<string, unknown>;
  /** Identities to name the tracks with (e.g. fr.gallery() or loadGallery()); none: tracks get no identity. */
  gallery?: FaceGallery;
  /** Identity threshold (default: the gallery's). */
  threshold?: number;
  /** Run the detector on every k-th frame (default 1); tracks coast on their Kalman prediction in between. */
  detectEvery?: number;
  /** Detector options (default { detector: 'tiny', withLandmarks: true, inputSize: 'auto' }: aligned embeddings). */
  detect?: DetectOptions;
  /** Embedding alignment (FaceRecognizer.embed's align; default: align when there are landmarks). */
  align?: boolean;
  /**
   * Replaces the face detector (tests, an external detector, precomputed detections): called on detection frames.
   * Faces with a `descriptor` skip the embedding network as well.
   */
  detectFaces?: (frame: SourceFrame) => readonly VideoDetection[] | Promise<readonly VideoDetection[]>;
  /** Frames kept per track for the aggregator: a ring of the newest (default 32). */
  maxFramesPerTrack?: number;
  /** Tracker options (minHits, maxMissed, maxLostFrames, gates). */
  tracker?: TrackerOptions;
}

/** A track's identity now. */
export interface TrackIdentity {
  /** The gallery name, or null (unknown, or no gallery). */
  identity: string | null;
  /** Distance of the track embedding to the nearest identity (null without a gallery or before an embedding). */
  distance: number | null;
  /** The nearest identity whatever its distance. */
  nearest: string | null;
  /** 1 - distance / (2 threshold), clipped to [0, 1]: above 0.5 is a match. 0 without a gallery. */
  confidence: number;
}

interface EventBase extends TrackIdentity {
  trackId: number;
  /** Frame index and timestamp (ms). */
  frame: number;
  timestamp: number;
  box: FaceBox;
}

/** A track confirmed (it has its id). */
export interface TrackStartEvent extends EventBase {
  type: 'track-start';
}
/** A confirmed track on this frame: detected (matched a detection) or predicted. */
export interface TrackUpdateEvent extends EventBase {
  type: 'track-update';
  detected: boolean;
  /** Detector score on a detected frame, else null. */
  score: number | null;
}
/** Not seen for maxMissed detection rounds: remembered for re-identification. */
export interface TrackLostEvent extends EventBase {
  type: 'track-lost';
}
/** A lost track re-identified by its embedding (same id). */
export interface TrackResumeEvent extends EventBase {
  type: 'track-resume';
}
/** Gone for good (lost longer than maxLostFrames, or the video ended). */
export interface TrackEndEvent extends EventBase {
  type: 'track-end';
  firstFrame: number;
  lastFrame: number;
  /** Detections the track matched. */
  detections: number;
}
export type VideoEvent = TrackStartEvent | TrackUpdateEvent | TrackLostEvent | TrackResumeEvent | TrackEndEvent;

/** A confirmed track as of the last frame pushed. */
export interface VideoTrack extends TrackIdentity {
  id: number;
  state: 'confirmed' | 'lost';
  box: FaceBox;
  detected: boolean;
  detections: number;
  firstFrame: number;
  lastFrame: number;
}

/** One step of recognizeVideo: the frame, its events and the visible tracks; `frame` is null on the final step. */
export interface VideoResult {
  frame: SourceFrame | null;
  events: VideoEvent[];
  tracks: VideoTrack[];
}

export interface VideoProgress {
  frames: number;
  /** The source's frame count when known. */
  total?: number;
  elapsedMs: number;
  /** Frames per second so far. */
  fps: number;
}

export interface RecognizeVideoOptions {
  onProgress?: (p: VideoProgress) => void;
}

/** Per-track state beside the tracker's: the ring of frames and the identity. */
interface TrackData extends TrackIdentity {
  ring: TrackFrame[];
  next: number;
  fresh: boolean;
  detections: number;
}

const OPTION_KEYS = ['aggregator', 'aggregatorOptions', 'gallery', 'threshold', 'detectEvery', 'detect', 'align', 'detectFaces', 'maxFramesPerTrack', 'tracker'];
const NO_IDENTITY: TrackIdentity = { identity: null, distance: null, nearest: null, confidence: 0 };

export class VideoRecognizer {
  private readonly tracker: Tracker;
  private readonly data = new Map<number, TrackData>();
  private readonly aggregatorP: Promise<Aggregator>;
  private readonly ownsAggregator: boolean;
  private readonly detectEvery: number;
  private readonly cap: number;
  private readonly detectOptions: DetectOptions;
  private frames = 0;
  private lastTimestamp = 0;
  private last: TrackInfo[] = [];
  private disposed_ = false;
  private busy = false;

  /** @internal use FaceRecognizer.video() */
  constructor(
    private readonly fr: FaceRecognizer,
    private readonly options: VideoRecognizerOptions = {},
  ) {
    const where = 'FaceRecognizer.video';
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${where}: options must be an object`);
    for (const k of Object.keys(options)) if (!OPTION_KEYS.includes(k)) throw new InvalidArgumentError(`${where}: unknown option '${k}' (known: ${OPTION_KEYS.join(', ')})`);
    const o = options;
    this.detectEvery = o.detectEvery ?? 1;
    if (!Number.isInteger(this.detectEvery) || this.detectEvery < 1) throw new InvalidArgumentError(`${where}: detectEvery must be an integer >= 1, got ${JSON.stringify(o.detectEvery)}`);
    this.cap = o.maxFramesPerTrack ?? 32;
    if (!Number.isInteger(this.cap) || this.cap < 1) throw new InvalidArgumentError(`${where}: maxFramesPerTrack must be an integer >= 1, got ${JSON.stringify(o.maxFramesPerTrack)}`);
    if (o.threshold !== undefined && !(typeof o.threshold === 'number' && o.threshold > 0 && Number.isFinite(o.threshold))) {
      throw new InvalidArgumentError(`${where}: threshold must be a positive number, got ${JSON.stringify(o.threshold)}`);
    }
    if (o.gallery !== undefined && (o.gallery === null || typeof (o.gallery as FaceGallery).identifyBatch !== 'function')) {
      throw new InvalidArgumentError(`${where}: gallery must be a FaceGallery (fr.gallery(), loadGallery(), new FaceGallery())`);
    }
    if (o.detectFaces !== undefined && typeof o.detectFaces !== 'function') throw new InvalidArgumentError(`${where}: detectFaces must be a function`);
    if (o.align !== undefined && typeof o.align !== 'boolean') throw new InvalidArgumentError(`${where}: align must be a boolean`);
    this.detectOptions = { detector: 'tiny', withLandmarks: true, inputSize: 'auto', ...(o.detect ?? {}) };
    if (this.detectOptions.detector === 'mtcnn') delete this.detectOptions.inputSize;
    this.tracker = new Tracker(o.tracker ?? {});
    const agg = o.aggregator ?? 'rean-gru';
    if (typeof agg === 'string') {
      if (!AGGREGATOR_KINDS.includes(agg)) throw new InvalidArgumentError(`${where}: aggregator must be one of ${AGGREGATOR_KINDS.join(', ')} or an Aggregator, got ${JSON.stringify(agg)}`);
      this.ownsAggregator = true;
      this.aggregatorP = createAggregator(fr.engine, agg, o.aggregatorOptions ?? {});
      // A failed creation is reported by the first push; never as an unhandled rejection.
      this.aggregatorP.catch(() => {});
    } else {
      if (!agg || typeof agg.aggregate !== 'function' || typeof agg.dispose !== 'function') throw new InvalidArgumentError(`${where}: aggregator must be a kind or an Aggregator`);
      this.ownsAggregator = false;
      this.aggregatorP = Promise.resolve(agg);
    }
  }

  get disposed(): boolean {
    return this.disposed_;
  }

  /** Frames pushed so far. */
  get frameCount(): number {
    return this.frames;
  }

  /** The confirmed and lost tracks after the last frame, with their identities. */
  get tracks(): VideoTrack[] {
    return this.last.filter((t) => t.state !== 'tentative').map((t) => this.view(t));
  }

  private check(where: string): void {
    if (this.disposed_) throw new InvalidArgumentError(`VideoRecognizer.${where}: used after dispose()`);
  }

  /**
   * Processes the next frame (an image, a SourceFrame with its timestamp, or a browser image) and returns what happened: track-start,
   * track-update (every confirmed track visible on this frame), track-lost, track-resume, track-end. Frames must be
   * pushed one at a time, in order (await each).
   */
  async push(frame: VideoFrameInput): Promise<VideoEvent[]> {
    this.check('push');
    if (this.busy) throw new InvalidArgumentError('VideoRecognizer.push: the previous frame is still being processed (await each push)');
    this.busy = true;
    try {
      return await this.process(frame);
    } finally {
      this.busy = false;
    }
  }

  private async process(input: VideoFrameInput): Promise<VideoEvent[]> {
    const index = this.frames;
    const isFrame = !!input && typeof input === 'object' && 'image' in input && !('data' in input) && !isBrowserImageSource(input);
    const raw = isFrame ? (input as SourceFrame).image : (input as RgbaImage | BrowserImageSource);
    if (typeof raw !== 'object' || raw === null) throw new InvalidArgumentError(`VideoRecognizer.push: frame ${index}: expected RGBA pixels { width, height, data }, a { image, timestamp } frame or a browser image`);
    // Browser images stay GPU-side for the networks (a <video> is pinned to its current frame until we close it).
    const image = await this.fr.image(raw, `VideoRecognizer.push: frame ${index}`);
    try {
      const timestamp = isFrame && Number.isFinite((input as SourceFrame).timestamp) ? (input as SourceFrame).timestamp : (index * 1000) / 30;
      return await this.step({ image, timestamp, index });
    } finally {
      if (image !== raw && image instanceof BrowserImage) image.close();
    }
  }

  private async step(frame: SourceFrame): Promise<VideoEvent[]> {
    const { image, timestamp, index } = frame;
    const aggregator = await this.aggregatorP;
    this.frames++;
    this.lastTimestamp = timestamp;

    let faces: { box: FaceBox; score: number; descriptor: Float32Array }[] | null = null;
    if (index % this.detectEvery === 0) faces = await this.detectAndEmbed(frame);
    const step = this.tracker.step(faces && faces.map((f) => ({ box: f.box, score: f.score, embedding: f.descriptor })));

    // Feed each detection to its track's ring.
    faces?.forEach((f, i) => {
      const t = step.assigned[i]!;
      let d = this.data.get(t.key);
      if (!d) this.data.set(t.key, (d = { ...NO_IDENTITY, ring: [], next: 0, fresh: false, detections: 0 }));
      const tf: TrackFrame = { embedding: f.descriptor, quality: { score: f.score, faceSize: (f.box.width + f.box.height) / 2, sharpness: sharpness(image, f.box) } };
      if (d.ring.length < this.cap) d.ring.push(tf);
      else d.ring[d.next] = tf;
      d.next = (d.next + 1) % this.cap;
      d.detections++;
      if (t.state === 'confirmed') d.fresh = true;
    });
    // Tracks confirmed this step have their whole tentative history to aggregate.
    for (const t of step.started) {
      const d = this.data.get(t.key);
      if (d) d.fresh = true;
    }
    const fresh: TrackData[] = [];
    for (const d of this.data.values()) if (d.fresh) fresh.push(d);
    if (fresh.length) await this.identify(aggregator, fresh);

    // Forget tracks that are gone.
    const alive = new Set(step.tracks.map((t) => t.key));
    const events: VideoEvent[] = [];
    const base = (t: TrackInfo): EventBase => ({ trackId: t.id, frame: index, timestamp, box: t.box, ...this.identityOf(t.key) });
    for (const t of step.ended) {
      const d = this.data.get(t.key);
      events.push({ type: 'track-end', ...base(t), firstFrame: t.firstFrame, lastFrame: t.lastFrame, detections: d?.detections ?? t.hits });
    }
    for (const key of [...this.data.keys()]) if (!alive.has(key)) this.data.delete(key);
    for (const t of step.lost) events.push({ type: 'track-lost', ...base(t) });
    for (const t of step.resumed) events.push({ type: 'track-resume', ...base(t) });
    for (const t of step.started) events.push({ type: 'track-start', ...base(t) });
    for (const t of step.tracks) {
      if (t.state !== 'confirmed') continue;
      const detected = t.detection >= 0;
      events.push({ type: 'track-update', ...base(t), detected, score: detected ? faces![t.detection]!.score : null });
    }
    this.last = step.tracks;
    return events;
  }

  /** Detects (or takes the injected detections) and embeds each face not carrying a descriptor. */
  private async detectAndEmbed(frame: SourceFrame): Promise<{ box: FaceBox; score: number; descriptor: Float32Array }[]> {
    const dets: readonly (VideoDetection | DetectedFace)[] = this.options.detectFaces
      ? await this.options.detectFaces(frame)
      : await this.fr.detect(frame.image, this.detectOptions);
    if (!Array.isArray(dets)) throw new InvalidArgumentError('VideoRecognizer: detectFaces must return an array of { box, score?, landmarks?, descriptor? }');
    const need = dets.map((d, i) => ((d as VideoDetection).descriptor ? -1 : i)).filter((i) => i >= 0);
    const embedded = need.length
      ? await this.fr.embedAll(frame.image, need.map((i) => dets[i] as DetectedFace), this.options.align === undefined ? {} : { align: this.options.align })
      : [];
    const out = dets.map((d) => ({ box: d.box, score: d.score ?? 1, descriptor: (d as VideoDetection).descriptor! }));
    need.forEach((i, j) => (out[i]!.descriptor = embedded[j]!));
    for (const [i, f] of out.entries()) {
      if (!(f.descriptor instanceof Float32Array)) throw new InvalidArgumentError(`VideoRecognizer: detection ${i}: descriptor must be a Float32Array`);
      if (!(f.score >= 0 && f.score <= 1)) throw new InvalidArgumentError(`VideoRecognizer: detection ${i}: score must be in [0, 1], got ${f.score}`);
    }
    return out;
  }

  /** Aggregates each fresh track's ring and names it from the gallery (one batch for all tracks). */
  private async identify(aggregator: Aggregator, tracks: TrackData[]): Promise<void> {
    const gallery = this.options.gallery;
    for (const d of tracks) d.fresh = false;
    if (!gallery) return;
    const probes: Float32Array[] = [];
    for (const d of tracks) {
      // Oldest first: the ring from its write position around.
      const ordered = d.ring.length < this.cap ? d.ring : [...d.ring.slice(d.next), ...d.ring.slice(0, d.next)];
      const unit = await aggregator.aggregate(ordered);
      // Aggregators return unit vectors; FaceRecognitionNet's descriptors are not unit length, and a Euclidean
      // gallery of raw descriptors needs the track embedding on their scale: the mean norm of the track's frames.
      let norm = 0;
      for (const f of ordered) norm += Math.hypot(...f.embedding);
      norm /= ordered.length;
      probes.push(unit.map((v) => v * norm));
    }
    const threshold = this.options.threshold ?? gallery.threshold;
    const results = await gallery.identifyBatch(probes, { threshold });
    tracks.forEach((d, i) => {
      const r = results[i]!;
      const near = r.nearest;
      d.identity = r.unknown ? null : r.matches[0]!.name;
      d.nearest = near?.name ?? null;
      d.distance = near?.distance ?? null;
      d.confidence = near ? Math.min(1, Math.max(0, 1 - near.distance / (2 * threshold))) : 0;
    });
  }

  private identityOf(key: number): TrackIdentity {
    const d = this.data.get(key);
    return d ? { identity: d.identity, distance: d.distance, nearest: d.nearest, confidence: d.confidence } : { ...NO_IDENTITY };
  }

  private view(t: TrackInfo): VideoTrack {
    const d = this.data.get(t.key);
    return {
      id: t.id,
      state: t.state as 'confirmed' | 'lost',
      box: t.box,
      detected: t.detection >= 0,
      detections: d?.detections ?? t.hits,
      firstFrame: t.firstFrame,
      lastFrame: t.lastFrame,
      ...this.identityOf(t.key),
    };
  }

  /** Ends the video: track-end for every confirmed or lost track, and a fresh start for the next push. */
  async end(): Promise<VideoEvent[]> {
    this.check('end');
    const index = Math.max(0, this.frames - 1);
    const events: VideoEvent[] = this.tracker.finish().map((t) => ({
      type: 'track-end' as const,
      trackId: t.id,
      frame: index,
      timestamp: this.lastTimestamp,
      box: t.box,
      ...this.identityOf(t.key),
      firstFrame: t.firstFrame,
      lastFrame: t.lastFrame,
      detections: this.data.get(t.key)?.detections ?? t.hits,
    }));
    this.data.clear();
    this.last = [];
    return events;
  }

  /**
   * Runs a whole source: yields each frame with its events and visible tracks, then a final step (frame null) with
   * the track-end events. Takes a FrameSource, (async) iterables of images or frames, or in Node a path (openVideo:
   * GIF, folder, or ffmpeg). The source is closed when the loop ends, early or not.
   */
  async *recognizeVideo(source: FrameInput | FrameSource | string, options: RecognizeVideoOptions = {}): AsyncGenerator<VideoResult> {
    this.check('recognizeVideo');
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError('VideoRecognizer.recognizeVideo: options must be an object');
    const { onProgress } = options;
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new InvalidArgumentError('VideoRecognizer.recognizeVideo: onProgress must be a function');
    let src: FrameSource;
    if (typeof source === 'string') {
      const m = await nodeModule<typeof import('./sources-node.js')>('./sources-node.js');
      src = await m.openVideo(source);
    } else {
      src = isFrameSource(source) ? source : framesFrom(source);
    }
    const t0 = performance.now();
    let n = 0;
    try {
      for await (const frame of src) {
        const events = await this.push(frame);
        n++;
        if (onProgress) {
          const elapsedMs = performance.now() - t0;
          onProgress({ frames: n, ...(src.frameCount !== undefined ? { total: src.frameCount } : {}), elapsedMs, fps: n / Math.max(elapsedMs / 1000, 1e-9) });
        }
        yield { frame, events, tracks: this.tracks.filter((t) => t.state === 'confirmed') };
      }
      yield { frame: null, events: await this.end(), tracks: [] };
    } finally {
      await src.close();
    }
  }

  /** Frees the aggregator (when it was created from a kind) and the track state. The FaceRecognizer and gallery are borrowed. */
  dispose(): void {
    if (this.disposed_) return;
    this.disposed_ = true;
    this.data.clear();
    this.last = [];
    if (this.ownsAggregator) this.aggregatorP.then((a) => a.dispose(), () => {});
  }
}

/** Imports a Node-only module of ours without letting bundlers follow it. */
async function nodeModule<T>(spec: string): Promise<T> {
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode) throw new InvalidArgumentError('VideoRecognizer.recognizeVideo: a path is opened in Node only; pass a FrameSource (e.g. videoElementFrames(video))');
  return (await import(/* @vite-ignore */ spec)) as T;
}
