// The face API: one object that owns (or borrows) an engine and loads each network the first time a call needs
// it. detect (TinyFaceDetector or MTCNN, optionally 68 landmarks), embed (128-d descriptors, aligned from 5 or 68
// points or cropped from the box), gallery (enrol / identify / verify bound to embed).
//
//   const fr = await createFaceRecognizer({ backend: 'wasm' });
//   const [face] = await fr.detect(img, { detector: 'tiny', withLandmarks: true });
//   const d = await fr.embed(img, face);            // aligned from the 68 points
//   fr.dispose();
//
// Images are RgbaImage ({ width, height, data } RGBA bytes; browsers' ImageData is one); in Node also a file path
// or encoded bytes (decoded through sharp by decodeImage, loaded lazily so browser bundles never see it); in
// browsers also ImageBitmap, canvases, <img>, <video> and VideoFrame, which the webgpu backend uploads once per
// call straight to a texture that the detector input, face crops and aligned chips are all cut from (no pixels in
// JS); other backends read their bytes through a canvas.
import { createEngine, type BackendChoice, type Engine, type EngineOptions } from '../runtime/engine.js';
import { InvalidArgumentError, UnsupportedError } from '../runtime/errors.js';
import { BrowserImage, checkImage, isBrowserImageSource, type BrowserImageSource, type RgbaImage } from './image.js';
import { attachTexture } from './preprocess.js';
import { TinyFaceDetector, tinyDetectOptions, type TinyFaceDetectOptions } from './tiny-face-detector.js';
import { Mtcnn, MTCNN_MODEL, type MtcnnDetectOptions } from './mtcnn/index.js';
import { normalizeDetectOptions } from './mtcnn/options.js';
import { FaceLandmarkNet, type FacePoint } from './landmark-net.js';
import { FaceRecognitionNet, FACE_DESCRIPTOR_SIZE } from './recognition-net.js';
import type { FaceBox } from './nets/face-input.js';
import type { ModelSource } from './nets/weights-source.js';
import { embedAlignedFaces } from './align.js';
import { VideoRecognizer, type VideoRecognizerOptions } from '../video/video-recognizer.js';
import { FaceGallery, type EmbedFn, type Embedding, type GalleryOptions, type IdentifyOptions, type IdentifyResult } from './gallery.js';

export type DetectorName = 'tiny' | 'mtcnn';
export const DETECTORS: readonly DetectorName[] = ['tiny', 'mtcnn'];

/**
 * Anything the recognizer takes as an image: RGBA pixels, in Node a file path or encoded bytes (JPEG/PNG/...), in
 * browsers an ImageBitmap, ImageData, canvas, <img>, <video> (its current frame) or VideoFrame.
 */
export type FaceImageInput = RgbaImage | string | Uint8Array | BrowserImageSource;

export interface FaceRecognizerOptions {
  /** Run on this engine (kept alive by dispose()); otherwise one is created with `backend`, `threads` and `log`. */
  engine?: Engine;
  /** 'auto' (default: WebGPU when there is an adapter, else WASM), 'webgpu', 'wasm' or 'reference'. */
  backend?: BackendChoice;
  threads?: EngineOptions['threads'];
  log?: EngineOptions['log'];
  /**
   * Folder or URL prefix holding face-api's weights manifests (tiny_face_detector_model-weights_manifest.json,
   * face_landmark_68_model-..., face_landmark_68_tiny_model-..., face_recognition_model-...). Default in Node: the
   * model/ folder of an installed @vladmandic/face-api. Browsers must give it.
   */
  modelPath?: string;
  /** Folder or URL prefix (or manifest) of face-api.js's mtcnn_model weights; needed only for detector 'mtcnn'. */
  mtcnnModelPath?: string;
  /** fetch for URL model paths (default globalThis.fetch). */
  fetch?: ModelSource['fetch'];
}

/** Options of detect(): the detector, 68 landmarks, and the chosen detector's own options. */
export interface DetectOptions extends Omit<TinyFaceDetectOptions, 'inputSize'>, MtcnnDetectOptions {
  /**
   * TinyFaceDetector's input side: a multiple of 32 in [128, 608] (default 416, face-api's), or 'auto': the
   * smallest multiple of 32 that covers the image's longer side, clamped to [128, 608], so small images are not
   * upsampled and large ones get the most detail (better on both evaluation sets: docs/eval-*.md).
   */
  inputSize?: number | 'auto';
  /** 'tiny' (default): TinyFaceDetector; 'mtcnn': MTCNN (with its 5 landmarks). */
  detector?: DetectorName;
  /** Add 68 landmarks per face: true (FaceLandmark68Net) or 'tiny' (FaceLandmark68TinyNet). Default false. */
  withLandmarks?: boolean | 'tiny';
}

export interface DetectedFace {
  /** Image pixels: left, top, size (may reach past the image border). */
  box: FaceBox;
  /** The detector's confidence in [0, 1]. */
  score: number;
  /**
   * Image pixels: the 68 points (iBUG order) when withLandmarks was set, else for MTCNN its 5 points (left eye,
   * right eye, nose, left and right mouth corner). Absent for TinyFaceDetector without withLandmarks.
   */
  landmarks?: FacePoint[];
}

export interface EmbedOptions {
  /**
   * Align the face to a 150x150 chip with a similarity transform from its landmarks (5 or 68 points) before the
   * net. Default: align when the face has landmarks. true without landmarks computes the 68 points first
   * (FaceLandmark68Net, in the box or the whole image). false: crop the box (face-api's way).
   */
  align?: boolean;
}

/** A face for embed(): a detection, a bare box, or undefined (the whole image is the face). */
export type FaceInput = DetectedFace | FaceBox | undefined;

export interface FaceWithDescriptor extends DetectedFace {
  descriptor: Float32Array;
}

const TINY_KEYS = ['inputSize', 'scoreThreshold', 'iouThreshold', 'maxResults'];
const MTCNN_KEYS = ['minFaceSize', 'scaleFactor', 'scoreThresholds', 'maxNumScales', 'scaleSteps'];
const OWN_KEYS = ['detector', 'withLandmarks'];
const OPTION_KEYS = ['engine', 'backend', 'threads', 'log', 'modelPath', 'mtcnnModelPath', 'fetch'];

const isNode = (): boolean => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** Imports a Node-only module of ours without letting bundlers follow it. */
async function nodeModule<T>(spec: string): Promise<T> {
  return (await import(/* @vite-ignore */ spec)) as T;
}

function optionsObject(where: string, o: unknown): Record<string, unknown> {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new InvalidArgumentError(`${where}: options must be an object, got ${JSON.stringify(o)}`);
  return o as Record<string, unknown>;
}

type NetKey = 'tiny' | 'mtcnn' | 'landmarks' | 'landmarksTiny' | 'recognition';
type Net = TinyFaceDetector | Mtcnn | FaceLandmarkNet | FaceRecognitionNet;

export class FaceRecognizer {
  private loading = new Map<NetKey, Promise<Net>>();
  private loaded = new Set<Net>();
  private loadedKeys: NetKey[] = [];
  private disposed_ = false;
  /** Caller-made BrowserImages this recognizer attached a texture to, and the calls using it (the last releases it). */
  private attached = new WeakMap<BrowserImage, number>();

  private constructor(
    /** The engine every network runs on. */
    readonly engine: Engine,
    private readonly ownsEngine: boolean,
    private readonly options: FaceRecognizerOptions,
  ) {}

  /** See createFaceRecognizer. */
  static async create(options: FaceRecognizerOptions = {}): Promise<FaceRecognizer> {
    const where = 'createFaceRecognizer';
    const o = optionsObject(where, options) as FaceRecognizerOptions;
    for (const k of Object.keys(o)) {
      if (!OPTION_KEYS.includes(k)) throw new InvalidArgumentError(`${where}: unknown option '${k}' (known: ${OPTION_KEYS.join(', ')})`);
    }
    for (const k of ['modelPath', 'mtcnnModelPath'] as const) {
      if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k] === '')) {
        throw new InvalidArgumentError(`${where}: ${k} must be a non-empty string (a folder, manifest path or URL), got ${JSON.stringify(o[k])}`);
      }
    }
    if (o.engine !== undefined) {
      if (o.backend !== undefined || o.threads !== undefined) {
        throw new InvalidArgumentError(`${where}: give engine or backend / threads, not both (the engine has its backend)`);
      }
      if (typeof (o.engine as Engine)?.stats !== 'function') throw new InvalidArgumentError(`${where}: engine must be an Engine from createEngine()`);
      try {
        o.engine.tensor([0], [1]).dispose(); // the one public operation that says whether the engine is open
      } catch {
        throw new InvalidArgumentError(`${where}: the engine was disposed`);
      }
      return new FaceRecognizer(o.engine, false, o);
    }
    const eo: EngineOptions = {};
    if (o.backend !== undefined) eo.backend = o.backend;
    if (o.threads !== undefined) eo.threads = o.threads;
    if (o.log !== undefined) eo.log = o.log;
    return new FaceRecognizer(await createEngine(eo), true, o);
  }

  get disposed(): boolean {
    return this.disposed_;
  }

  /** The backend the networks run on ('webgpu', 'wasm' or 'reference'). */
  get backend(): string {
    return this.engine.backendName;
  }

  /** The networks loaded so far ('tiny', 'mtcnn', 'landmarks', 'landmarksTiny', 'recognition'), in load order. */
  get loadedNetworks(): NetKey[] {
    return [...this.loadedKeys];
  }

  private check(where: string): void {
    if (this.disposed_) throw new InvalidArgumentError(`FaceRecognizer.${where}: used after dispose()`);
  }

  private source(model: string): ModelSource {
    const { modelPath, fetch } = this.options;
    const s: ModelSource = {};
    if (modelPath !== undefined) s.modelPath = /\.json$/i.test(modelPath) ? modelPath.replace(/[^/\\]*$/, '') + `${model}-weights_manifest.json` : modelPath;
    if (fetch !== undefined) s.fetch = fetch;
    return s;
  }

  /** The network `key`, loaded on first use (one load even when calls race; a failed load is retried next time). */
  private net<T extends Net>(key: NetKey): Promise<T> {
    let p = this.loading.get(key);
    if (!p) {
      const e = this.engine;
      const load = async (): Promise<Net> => {
        switch (key) {
          case 'tiny':
            return TinyFaceDetector.load(e, this.source('tiny_face_detector_model'));
          case 'landmarks':
            return FaceLandmarkNet.load(e, this.source('face_landmark_68_model'));
          case 'landmarksTiny':
            return FaceLandmarkNet.load(e, { ...this.source('face_landmark_68_tiny_model'), tiny: true });
          case 'recognition':
            return FaceRecognitionNet.load(e, this.source('face_recognition_model'));
          case 'mtcnn': {
            const { mtcnnModelPath, fetch } = this.options;
            if (mtcnnModelPath === undefined) {
              throw new InvalidArgumentError(
                `FaceRecognizer.detect: detector 'mtcnn' needs its weights (face-api.js's ${MTCNN_MODEL}, not shipped in ` +
                  `@vladmandic/face-api): pass createFaceRecognizer({ mtcnnModelPath: '<folder or manifest>' })`,
              );
            }
            return Mtcnn.load(e, fetch ? { modelPath: mtcnnModelPath, fetch } : { modelPath: mtcnnModelPath });
          }
        }
      };
      p = load().then(
        (net) => {
          // Disposed while loading: free it at once.
          if (this.disposed_) {
            net.dispose();
            throw new InvalidArgumentError('FaceRecognizer: disposed while a model was loading');
          }
          this.loaded.add(net);
          this.loadedKeys.push(key);
          return net;
        },
        (err: unknown) => {
          this.loading.delete(key);
          throw err;
        },
      );
      this.loading.set(key, p);
    }
    return p as Promise<T>;
  }

  /**
   * Loads networks now instead of on first use (e.g. before timing calls): 'tiny', 'mtcnn', 'landmarks',
   * 'landmarksTiny', 'recognition'. Default: tiny, landmarks and recognition.
   */
  async preload(nets: readonly NetKey[] = ['tiny', 'landmarks', 'recognition']): Promise<void> {
    this.check('preload');
    const known: NetKey[] = ['tiny', 'mtcnn', 'landmarks', 'landmarksTiny', 'recognition'];
    for (const n of nets) if (!known.includes(n)) throw new InvalidArgumentError(`FaceRecognizer.preload: unknown network '${String(n)}' (known: ${known.join(', ')})`);
    await Promise.all(nets.map((n) => this.net(n)));
  }

  /**
   * An image argument as RgbaImage: checked, or decoded (Node: path or bytes), or a browser image wrapped in a
   * BrowserImage (bytes read on first use; a <video> pinned to its current frame until closeImage).
   */
  async image(input: FaceImageInput, where = 'FaceRecognizer: image'): Promise<RgbaImage> {
    if (input instanceof BrowserImage) return input;
    if (isBrowserImageSource(input)) {
      // Uploaded once (webgpu) for everything the call cuts from it; close() frees the texture.
      const b = new BrowserImage(input, where);
      try {
        attachTexture(this.engine, b);
      } catch (e) {
        b.close();
        throw e;
      }
      return b;
    }
    if (typeof input === 'string' || input instanceof Uint8Array) {
      if (!isNode()) {
        throw new UnsupportedError(`${where}: paths and encoded bytes are decoded in Node only; pass RGBA pixels ({ width, height, data }, e.g. ImageData)`);
      }
      const m = await nodeModule<typeof import('./image-node.js')>('./image-node.js');
      return m.decodeImage(input);
    }
    return checkImage(input as RgbaImage, where);
  }

  /** image() for this recognizer's own calls: a caller's BrowserImage gets a texture for the outermost call using it. */
  private async open(input: FaceImageInput, where: string): Promise<RgbaImage> {
    if (input instanceof BrowserImage) {
      const users = this.attached.get(input);
      if (users !== undefined) this.attached.set(input, users + 1);
      else if (!input.texture(this.engine.backend) && attachTexture(this.engine, input)) this.attached.set(input, 1);
    }
    return this.image(input, where);
  }

  /** Frees what open() made for `input` (its texture, a <video>'s pinned frame). */
  private closeImage(image: RgbaImage, input: FaceImageInput): void {
    if (!(image instanceof BrowserImage)) return;
    if (image !== input) return image.close();
    const users = this.attached.get(image);
    if (users === undefined) return;
    if (users > 1) this.attached.set(image, users - 1);
    else {
      this.attached.delete(image);
      image.releaseTexture();
    }
  }

  /** Faces in `img`, best first: boxes, scores, and landmarks (MTCNN's 5, or 68 with withLandmarks). */
  async detect(img: FaceImageInput, options: DetectOptions = {}): Promise<DetectedFace[]> {
    this.check('detect');
    const o = optionsObject('FaceRecognizer.detect', options) as DetectOptions;
    const detector = o.detector ?? 'tiny';
    if (!DETECTORS.includes(detector)) {
      throw new InvalidArgumentError(`FaceRecognizer.detect: detector must be 'tiny' or 'mtcnn', got ${JSON.stringify(o.detector)}`);
    }
    const lm = o.withLandmarks ?? false;
    if (lm !== true && lm !== false && lm !== 'tiny') {
      throw new InvalidArgumentError(`FaceRecognizer.detect: withLandmarks must be true, false or 'tiny', got ${JSON.stringify(o.withLandmarks)}`);
    }
    const own = detector === 'tiny' ? TINY_KEYS : MTCNN_KEYS;
    const other = detector === 'tiny' ? MTCNN_KEYS : TINY_KEYS;
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (OWN_KEYS.includes(k) || v === undefined) continue;
      if (other.includes(k)) {
        throw new InvalidArgumentError(`FaceRecognizer.detect: '${k}' is an option of detector '${detector === 'tiny' ? 'mtcnn' : 'tiny'}', not '${detector}'`);
      }
      if (!own.includes(k)) {
        throw new InvalidArgumentError(`FaceRecognizer.detect: unknown option '${k}' (known: ${[...OWN_KEYS, ...own].join(', ')})`);
      }
      rest[k] = v;
    }
    // Validate before any model loads or image decodes: a bad option is the caller's error, whatever else is wrong.
    const auto = rest.inputSize === 'auto';
    if (detector === 'tiny') tinyDetectOptions((auto ? { ...rest, inputSize: 416 } : rest) as TinyFaceDetectOptions);
    else normalizeDetectOptions(rest as MtcnnDetectOptions);
    const image = await this.open(img, 'FaceRecognizer.detect: image');
    try {
      if (auto) rest.inputSize = autoInputSize(image);
      let faces: DetectedFace[];
      if (detector === 'tiny') {
        const det = await this.net<TinyFaceDetector>('tiny');
        faces = (await det.detect(image, rest as TinyFaceDetectOptions)).map((d) => ({ box: d.box, score: d.score }));
      } else {
        const det = await this.net<Mtcnn>('mtcnn');
        faces = (await det.detect(image, rest as MtcnnDetectOptions)).map((d) => ({ box: { ...d.box }, score: d.score, landmarks: d.landmarks }));
      }
      if (lm !== false && faces.length > 0) {
        const net = await this.net<FaceLandmarkNet>(lm === 'tiny' ? 'landmarksTiny' : 'landmarks');
        const pts = await net.detectBatch(faces.map((f) => ({ image, box: f.box })));
        faces.forEach((f, i) => (f.landmarks = pts[i]));
      }
      return faces;
    } finally {
      this.closeImage(image, img);
    }
  }

  /** The 128-d descriptor of one face of `img` (default: the whole image is the face). */
  async embed(img: FaceImageInput, face?: FaceInput, options: EmbedOptions = {}): Promise<Float32Array> {
    this.check('embed');
    const [d] = await this.embedAll(img, [face], options);
    return d!;
  }

  /** Descriptors of several faces of one image, run as one batch. */
  async embedAll(img: FaceImageInput, faces: readonly FaceInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    this.check('embed');
    const where = 'FaceRecognizer.embed';
    const o = optionsObject(where, options) as EmbedOptions;
    for (const k of Object.keys(o)) if (k !== 'align') throw new InvalidArgumentError(`${where}: unknown option '${k}' (known: align)`);
    if (o.align !== undefined && typeof o.align !== 'boolean') throw new InvalidArgumentError(`${where}: align must be a boolean, got ${JSON.stringify(o.align)}`);
    if (!Array.isArray(faces)) throw new InvalidArgumentError(`${where}: faces must be an array`);
    if (faces.length === 0) return [];
    const parsed = faces.map((f, i) => parseFace(`${where}: face ${i}`, f));
    const image = await this.open(img, `${where}: image`);
    try {
      const aligned = parsed.map((f) => o.align ?? f.landmarks !== undefined);
      // Faces to align without landmarks get the 68 points first.
      const need = parsed.map((f, i) => (aligned[i] && !f.landmarks ? i : -1)).filter((i) => i >= 0);
      if (need.length) {
        const net = await this.net<FaceLandmarkNet>('landmarks');
        const pts = await net.detectBatch(need.map((i) => ({ image, box: parsed[i]!.box })));
        need.forEach((i, j) => (parsed[i] = { ...parsed[i]!, landmarks: pts[j] }));
      }
      const rec = await this.net<FaceRecognitionNet>('recognition');
      const out: Float32Array[] = new Array(faces.length);
      const crop = parsed.map((_, i) => i).filter((i) => !aligned[i]);
      const align = parsed.map((_, i) => i).filter((i) => aligned[i]);
      if (crop.length) {
        const ds = await rec.embedBatch(crop.map((i) => ({ image, box: parsed[i]!.box })));
        crop.forEach((i, j) => (out[i] = ds[j]!));
      }
      if (align.length) {
        const { descriptors } = await embedAlignedFaces(rec, image, align.map((i) => parsed[i]!.landmarks!));
        align.forEach((i, j) => (out[i] = descriptors[j]!));
      }
      return out;
    } finally {
      this.closeImage(image, img);
    }
  }

  /**
   * Detects faces and embeds each: one call for "who is in this photo". Alignment follows embed()'s default
   * (aligned when the detector gave landmarks: MTCNN, or withLandmarks).
   */
  async detectAndEmbed(img: FaceImageInput, options: DetectOptions & EmbedOptions = {}): Promise<FaceWithDescriptor[]> {
    this.check('detectAndEmbed');
    const { align, ...det } = optionsObject('FaceRecognizer.detectAndEmbed', options) as DetectOptions & EmbedOptions;
    const image = await this.open(img, 'FaceRecognizer.detectAndEmbed: image');
    try {
      const faces = await this.detect(image, det);
      const ds = await this.embedAll(image, faces, align === undefined ? {} : { align });
      return faces.map((f, i) => ({ ...f, descriptor: ds[i]! }));
    } finally {
      this.closeImage(image, img);
    }
  }

  /**
   * The descriptor of the largest face (by box area) that `detect` finds in `img`; InvalidArgumentError when there
   * is none. What a gallery enrols from a photo of one person.
   */
  async largestFaceDescriptor(img: FaceImageInput, options: DetectOptions & EmbedOptions = {}): Promise<{ face: DetectedFace; descriptor: Float32Array; faces: number }> {
    this.check('largestFaceDescriptor');
    const { align, ...det } = optionsObject('FaceRecognizer.largestFaceDescriptor', options) as DetectOptions & EmbedOptions;
    const image = await this.open(img, 'FaceRecognizer: image');
    try {
      const faces = await this.detect(image, det);
      if (faces.length === 0) {
        const what = typeof img === 'string' ? `image '${img}'` : `the ${image.width}x${image.height} image`;
        throw new InvalidArgumentError(`FaceRecognizer: no face found in ${what} (detector ${det.detector ?? 'tiny'})`);
      }
      const face = faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
      const descriptor = await this.embed(image, face, align === undefined ? {} : { align });
      return { face, descriptor, faces: faces.length };
    } finally {
      this.closeImage(image, img);
    }
  }

  /**
   * A FaceGallery bound to this recognizer: enroll / identify take images (and `{ image, face }`) as well as
   * descriptors, embedded through this recognizer; large galleries search with a GEMM on its engine. Pass `bytes`
   * (FaceGallery.toBytes(), e.g. a file's contents) to continue a saved gallery.
   */
  gallery(options: RecognizerGalleryOptions = {}): RecognizerGallery {
    this.check('gallery');
    return RecognizerGallery.create(this, options);
  }

  /**
   * A video recogniser on this recognizer: push frames (or run recognizeVideo over a source) to get tracks with
   * stable ids and identities from `gallery`, aggregated over each track's frames. See src/video/video-recognizer.ts.
   */
  video(options: VideoRecognizerOptions = {}): VideoRecognizer {
    this.check('video');
    return new VideoRecognizer(this, options);
  }

  /** Frees every loaded network (and the engine if the recognizer created it). Safe to call twice. */
  dispose(): void {
    if (this.disposed_) return;
    this.disposed_ = true;
    for (const n of this.loaded) n.dispose();
    this.loaded.clear();
    this.loadedKeys = [];
    this.loading.clear();
    if (this.ownsEngine) this.engine.dispose();
  }
}

/** What a bound gallery embeds: an image (its largest face), or an image with the face to embed. */
export type GalleryItem = FaceImageInput | { image: FaceImageInput; face?: FaceInput };

export interface RecognizerGalleryOptions extends Omit<GalleryOptions, 'engine'> {
  /**
   * How an image becomes a descriptor: these detect options find its faces and the largest is embedded (default
   * { detector: 'tiny', withLandmarks: true }: aligned from 68 points), or false: the whole image is the face.
   */
  detect?: DetectOptions | false;
  /** embed()'s align (default: align when the face has landmarks). */
  align?: boolean;
  /** A saved gallery (FaceGallery.toBytes()) to start from; its metric and matching apply. */
  bytes?: ArrayBuffer | ArrayBufferView;
}

const GALLERY_KEYS = ['metric', 'matching', 'threshold', 'dim', 'gemmMinRows', 'detect', 'align', 'bytes'];

const isEmbedding = (x: unknown): x is Embedding => x instanceof Float32Array || x instanceof Float64Array || (Array.isArray(x) && x.every((v) => typeof v === 'number'));

/** A face's identification: the face and the gallery's answer. */
export interface IdentifiedFace extends FaceWithDescriptor {
  result: IdentifyResult;
}

/** A FaceGallery whose enroll / identify also take images, embedded by its FaceRecognizer (see FaceRecognizer.gallery). */
export class RecognizerGallery extends FaceGallery {
  private fr!: FaceRecognizer;
  private detectOptions!: DetectOptions | false;
  private alignOption: boolean | undefined;

  /** @internal use FaceRecognizer.gallery() */
  static create(fr: FaceRecognizer, options: RecognizerGalleryOptions): RecognizerGallery {
    const where = 'FaceRecognizer.gallery';
    const o = optionsObject(where, options) as RecognizerGalleryOptions;
    for (const k of Object.keys(o)) {
      if (!GALLERY_KEYS.includes(k)) throw new InvalidArgumentError(`${where}: unknown option '${k}' (known: ${GALLERY_KEYS.join(', ')})`);
    }
    const { detect, align, bytes, ...rest } = o;
    if (detect !== undefined && detect !== false && (detect === null || typeof detect !== 'object')) {
      throw new InvalidArgumentError(`${where}: detect must be detect() options or false, got ${JSON.stringify(detect)}`);
    }
    if (align !== undefined && typeof align !== 'boolean') throw new InvalidArgumentError(`${where}: align must be a boolean, got ${JSON.stringify(align)}`);
    let g: RecognizerGallery;
    if (bytes !== undefined) {
      if (rest.metric !== undefined || rest.matching !== undefined || rest.dim !== undefined) {
        throw new InvalidArgumentError(`${where}: metric, matching and dim come from the saved gallery; do not pass them with bytes`);
      }
      const saved = FaceGallery.fromBytes(bytes, { ...rest, engine: fr.engine }, `${where}: bytes`);
      g = new RecognizerGallery({ ...rest, metric: saved.metric, matching: saved.matching, threshold: rest.threshold ?? saved.threshold, dim: saved.dim, engine: fr.engine });
      for (const n of saved.names) g.add(n, saved.embeddings(n));
    } else {
      g = new RecognizerGallery({ ...rest, engine: fr.engine });
    }
    g.fr = fr;
    g.detectOptions = detect ?? { detector: 'tiny', withLandmarks: true };
    g.alignOption = align;
    return g;
  }

  /** The descriptor of one item: an image's largest face, or the given face of an image. */
  readonly descriptor = async (item: GalleryItem): Promise<Float32Array> => {
    const opts: EmbedOptions = this.alignOption === undefined ? {} : { align: this.alignOption };
    if (item !== null && typeof item === 'object' && !(item instanceof Uint8Array) && 'image' in item && !('data' in item)) {
      return this.fr.embed(item.image, item.face, opts);
    }
    if (this.detectOptions === false) return this.fr.embed(item as FaceImageInput, undefined, opts);
    return (await this.fr.largestFaceDescriptor(item as FaceImageInput, { ...this.detectOptions, ...opts })).descriptor;
  };

  /** Enrols `name` from descriptors and / or images (their largest face); all or nothing. */
  override enroll<T = GalleryItem>(name: string, items: readonly (Embedding | T)[] | Embedding | T, embed?: EmbedFn<T>): Promise<void> {
    const list = isEmbedding(items) || Array.isArray(items) ? (items as readonly (Embedding | T)[]) : [items as T];
    return super.enroll(name, list, embed ?? (this.descriptor as unknown as EmbedFn<T>));
  }

  /** The nearest identities to a descriptor or to an image's largest face. */
  override async identify(probe: Embedding | GalleryItem, options?: IdentifyOptions): Promise<IdentifyResult> {
    return super.identify(isEmbedding(probe) ? probe : await this.descriptor(probe), options);
  }

  /** Every face in `img` (found with the gallery's detect options, default tiny + 68 points), identified. */
  async identifyFaces(img: FaceImageInput, options?: IdentifyOptions & { detect?: DetectOptions }): Promise<IdentifiedFace[]> {
    const { detect, ...idOpts } = options ?? {};
    const det = detect ?? (this.detectOptions === false ? { detector: 'tiny' as const, withLandmarks: true } : this.detectOptions);
    const faces = await this.fr.detectAndEmbed(img, this.alignOption === undefined ? det : { ...det, align: this.alignOption });
    if (faces.length === 0) return [];
    const results = await this.identifyBatch(
      faces.map((f) => f.descriptor),
      idOpts,
    );
    return faces.map((f, i) => ({ ...f, result: results[i]! }));
  }
}

/** inputSize 'auto': the smallest multiple of 32 covering the longer side, in [128, 608]. */
export function autoInputSize(image: { width: number; height: number }): number {
  return Math.min(608, Math.max(128, Math.ceil(Math.max(image.width, image.height) / 32) * 32));
}

interface ParsedFace {
  box?: FaceBox;
  landmarks?: FacePoint[];
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseFace(where: string, f: FaceInput): ParsedFace {
  if (f === undefined) return {};
  if (f === null || typeof f !== 'object') throw new InvalidArgumentError(`${where}: expected a detection { box, landmarks? }, a box { x, y, width, height } or undefined`);
  const d = f as DetectedFace;
  const box = 'box' in d ? d.box : (f as FaceBox);
  if (box === null || typeof box !== 'object' || !finite(box.x) || !finite(box.y) || !finite(box.width) || !finite(box.height)) {
    throw new InvalidArgumentError(`${where}: box must be { x, y, width, height } finite numbers, got ${JSON.stringify(box)}`);
  }
  if (box.width <= 0 || box.height <= 0) throw new InvalidArgumentError(`${where}: empty box (${box.width}x${box.height})`);
  const lm = 'box' in d ? d.landmarks : undefined;
  if (lm !== undefined) {
    if (!Array.isArray(lm) || (lm.length !== 5 && lm.length !== 68) || !lm.every((p) => p && finite(p.x) && finite(p.y))) {
      throw new InvalidArgumentError(`${where}: landmarks must be 5 or 68 points { x, y } with finite coordinates`);
    }
  }
  return lm ? { box, landmarks: lm } : { box };
}

/**
 * Creates a FaceRecognizer: an engine (or the given one) plus lazily loaded networks. Weights come from
 * `modelPath` / `mtcnnModelPath`, or in Node from an installed @vladmandic/face-api (MTCNN always needs a path).
 */
export function createFaceRecognizer(options?: FaceRecognizerOptions): Promise<FaceRecognizer> {
  return FaceRecognizer.create(options);
}

export { FACE_DESCRIPTOR_SIZE };
