// The demo's face pipeline on the library's public API, one stage at a time so each can be timed:
//   detect    FaceRecognizer.detect (TinyFaceDetector or MTCNN; MTCNN also gives 5 points)
//   landmarks FaceLandmarkNet (68 points, full or tiny) on the same engine, all faces in one batch
//   embed     FaceRecognizer.embedAll: 128-d descriptors, aligned from the landmarks (or cropped from the box)
//   identify  the recognizer's gallery (FaceRecognizer.gallery), all faces in one batch
import {
  createFaceRecognizer,
  FaceLandmarkNet,
  type BackendChoice,
  type DetectedFace,
  type DetectOptions,
  type FaceRecognizer,
  type IdentifyResult,
  type RecognizerGallery,
  type RgbaImage,
} from '../src/index.js';

export type Backend = Extract<BackendChoice, 'webgpu' | 'wasm'>;
export type LandmarkChoice = 'full' | 'tiny' | 'none';

export interface Settings {
  backend: Backend;
  detector: 'tiny' | 'mtcnn';
  /** TinyFaceDetector input size (multiple of 32). */
  inputSize: number;
  /** TinyFaceDetector minimum score. */
  scoreThreshold: number;
  /** MTCNN smallest face side in pixels. */
  minFaceSize: number;
  landmarks: LandmarkChoice;
}

export const DEFAULT_SETTINGS: Omit<Settings, 'backend'> = { detector: 'tiny', inputSize: 512, scoreThreshold: 0.5, minFaceSize: 20, landmarks: 'full' };

/** Where the page finds the weights (served by demo/vite.config.ts). */
export const MODEL_URL = new URL('/models/', location.href).href;
export const MTCNN_URL = new URL('/models/mtcnn/', location.href).href;

export interface StageTimes {
  detect: number;
  landmarks: number | null;
  embed: number | null;
  identify: number | null;
  total: number;
}

export interface FaceResult extends DetectedFace {
  /** Identity within the gallery's threshold, else null. */
  name: string | null;
  /** Distance to the nearest identity (null for an empty gallery). */
  distance: number | null;
  nearest: string | null;
}

export interface Analysis {
  faces: FaceResult[];
  times: StageTimes;
}

/** The detect() options for the settings (no landmarks: that is its own stage). */
export function detectOptions(s: Settings): DetectOptions {
  return s.detector === 'tiny'
    ? { detector: 'tiny', inputSize: s.inputSize, scoreThreshold: s.scoreThreshold }
    : { detector: 'mtcnn', minFaceSize: s.minFaceSize };
}

const now = (): number => performance.now();

export class Pipeline {
  private landmarkNets = new Map<'full' | 'tiny', Promise<FaceLandmarkNet>>();

  private constructor(
    readonly fr: FaceRecognizer,
    readonly gallery: RecognizerGallery,
  ) {}

  /** A recognizer on `backend` with the gallery `bytes` (FaceGallery.toBytes(); none: empty). */
  static async create(backend: Backend, bytes?: Uint8Array, log?: (m: string) => void): Promise<Pipeline> {
    const fr = await createFaceRecognizer({ backend, modelPath: MODEL_URL, mtcnnModelPath: MTCNN_URL, log: log ?? null });
    try {
      const gallery = fr.gallery(bytes && bytes.length ? { bytes } : {});
      return new Pipeline(fr, gallery);
    } catch (e) {
      fr.dispose();
      throw e;
    }
  }

  /** The engine in words, e.g. "wasm (relaxed-simd, 2 threads)". */
  get engineInfo(): string {
    return this.fr.engine.chosen;
  }

  private landmarkNet(kind: 'full' | 'tiny'): Promise<FaceLandmarkNet> {
    let p = this.landmarkNets.get(kind);
    if (!p) {
      p = FaceLandmarkNet.load(this.fr.engine, { modelPath: MODEL_URL, tiny: kind === 'tiny' });
      p.catch(() => this.landmarkNets.delete(kind));
      this.landmarkNets.set(kind, p);
    }
    return p;
  }

  /** Loads what `s` needs now, so that stage timings do not include downloads. Returns the ms it took. */
  async load(s: Settings): Promise<number> {
    const t0 = now();
    await Promise.all([
      this.fr.preload([s.detector, 'recognition']),
      s.landmarks === 'none' ? null : this.landmarkNet(s.landmarks),
    ]);
    return now() - t0;
  }

  /** 68 points per face with the chosen net (a face without a box: the whole image). */
  private async addLandmarks(image: RgbaImage, faces: DetectedFace[], s: Settings): Promise<void> {
    if (s.landmarks === 'none' || faces.length === 0) return;
    const net = await this.landmarkNet(s.landmarks);
    const pts = await net.detectBatch(faces.map((f) => ({ image, box: f.box })));
    faces.forEach((f, i) => (f.landmarks = pts[i]));
  }

  /** embed() options: aligned when there are landmarks (68 points, or MTCNN's 5), else the box crop. */
  private async embed(image: RgbaImage, faces: DetectedFace[]): Promise<Float32Array[]> {
    return this.fr.embedAll(image, faces);
  }

  /** Every face of `image`: detected, landmarked, embedded and identified, with each stage's time. */
  async analyse(image: RgbaImage, s: Settings): Promise<Analysis> {
    const t0 = now();
    const faces = await this.fr.detect(image, detectOptions(s));
    const t1 = now();
    await this.addLandmarks(image, faces, s);
    const t2 = now();
    const times: StageTimes = { detect: t1 - t0, landmarks: s.landmarks === 'none' || faces.length === 0 ? null : t2 - t1, embed: null, identify: null, total: 0 };
    let results: IdentifyResult[] = [];
    if (faces.length > 0) {
      const descriptors = await this.embed(image, faces);
      const t3 = now();
      times.embed = t3 - t2;
      if (this.gallery.size > 0) {
        results = await this.gallery.identifyBatch(descriptors);
        times.identify = now() - t3;
      }
    }
    times.total = now() - t0;
    return {
      times,
      faces: faces.map((f, i) => {
        const r = results[i];
        return {
          ...f,
          name: r && !r.unknown ? r.matches[0]!.name : null,
          distance: r?.nearest ? r.nearest.distance : null,
          nearest: r?.nearest ? r.nearest.name : null,
        };
      }),
    };
  }

  /**
   * The descriptor for enrolling from one photo: its largest face, or when none is found (a tight face crop) the
   * whole image as the face. Returns the face used (box in image pixels) and whether it was the whole image.
   */
  async enrolDescriptor(image: RgbaImage, s: Settings): Promise<{ descriptor: Float32Array; face: DetectedFace; wholeImage: boolean }> {
    const faces = await this.fr.detect(image, detectOptions(s));
    const wholeImage = faces.length === 0;
    const face: DetectedFace = wholeImage
      ? { box: { x: 0, y: 0, width: image.width, height: image.height }, score: 0 }
      : faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
    await this.addLandmarks(image, [face], s);
    const [descriptor] = await this.embed(image, [face]);
    return { descriptor: descriptor!, face, wholeImage };
  }

  /** Frees the networks, the gallery's engine rows and the engine. */
  async dispose(): Promise<void> {
    this.gallery.dispose();
    const nets = await Promise.allSettled([...this.landmarkNets.values()]);
    for (const n of nets) if (n.status === 'fulfilled') n.value.dispose();
    this.landmarkNets.clear();
    this.fr.dispose();
  }
}
