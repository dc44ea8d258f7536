// The CLI's commands on a FaceRecognizer: detect (print, annotate, JSON), enroll / identify (gallery file),
// verify. Files are processed one at a time with the next image decoding (sharp, on libuv's threads) while the
// current one runs; a bad file is reported and skipped, and the exit code says the worst that happened.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
// The Node entry installs the Node platform (Dawn WebGPU, embedded wasm, sharp decoding).
import '../index.node.js';
import { createFaceRecognizer, type DetectedFace, type DetectOptions, type FaceRecognizer } from '../face/recognizer.js';
import type { RgbaImage } from '../face/image.js';
import { DEFAULT_THRESHOLDS, verifyFaces } from '../face/gallery.js';
import { annotate } from './draw.js';
import { detectWithModel } from './detector-commands.js';
import { CliError, EXIT, exitCodeOf, messageOf, progress, writeFileAtomic, type Progress } from './output.js';

export interface CommonOptions {
  backend: 'auto' | 'wasm' | 'webgpu';
  threads?: number;
  json: boolean;
  progress: boolean;
  modelPath?: string;
  mtcnnModelPath?: string;
  verbose: boolean;
  detector: 'tiny' | 'mtcnn';
  inputSize?: number | 'auto';
  minScore?: number;
  minFace?: number;
  align?: 'landmarks' | '68' | 'none';
  // detect
  out?: string;
  /** detect --model: a joint detector file (src/cli/detector-commands.ts). */
  model?: string;
  landmarks?: 'auto' | '68' | '68-tiny' | 'none';
  // enroll / identify / verify
  threshold?: number;
  metric?: string;
  matching?: string;
  skipBad?: boolean;
  top?: number;
}

/** Euclidean distance under which two descriptors are one person (dlib's 0.6; see docs/eval-lfw.md). */
export const DEFAULT_THRESHOLD = DEFAULT_THRESHOLDS.euclidean;

/** Numbers rounded for JSON and text output (sub-pixel and 1e-4 score precision is all anyone reads). */
export const r2 = (v: number): number => Math.round(v * 100) / 100;
export const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

export function faceJson(f: DetectedFace): object {
  const box = { x: r2(f.box.x), y: r2(f.box.y), width: r2(f.box.width), height: r2(f.box.height) };
  return f.landmarks ? { box, score: r4(f.score), landmarks: f.landmarks.map((p) => ({ x: r2(p.x), y: r2(p.y) })) } : { box, score: r4(f.score) };
}

/** A started recognizer for the command's options (its log goes to stderr with --verbose, else nowhere). */
export async function recognizer(o: CommonOptions): Promise<FaceRecognizer> {
  const mtcnnModelPath = o.mtcnnModelPath ?? (process.env.FACEGPU_MTCNN_MODEL_PATH || undefined);
  if (o.detector === 'mtcnn' && !mtcnnModelPath) {
    throw new CliError(
      "--detector mtcnn needs face-api.js's mtcnn_model weights (not in @vladmandic/face-api): pass --mtcnn-model-path <folder> or set FACEGPU_MTCNN_MODEL_PATH",
      EXIT.MODEL,
    );
  }
  const fr = await createFaceRecognizer({
    backend: o.backend,
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    log: o.verbose ? (m) => process.stderr.write(`${m}\n`) : null,
    ...(o.modelPath ? { modelPath: o.modelPath } : {}),
    ...(mtcnnModelPath ? { mtcnnModelPath } : {}),
  });
  if (o.verbose) process.stderr.write(`facegpu: backend ${fr.engine.chosen}\n`);
  return fr;
}

/** detect() options from the command line. */
export function detectOptions(o: CommonOptions, landmarks: DetectOptions['withLandmarks']): DetectOptions {
  const d: DetectOptions = { detector: o.detector };
  if (o.detector === 'tiny') {
    if (o.minFace !== undefined) throw new CliError('--min-face is an MTCNN option; add --detector mtcnn', EXIT.USAGE);
    d.inputSize = o.inputSize ?? 'auto';
    if (o.minScore !== undefined) d.scoreThreshold = o.minScore;
  } else {
    if (o.inputSize !== undefined) throw new CliError('--input-size is a TinyFaceDetector option; it does not apply to --detector mtcnn', EXIT.USAGE);
    if (o.minFace !== undefined) d.minFaceSize = o.minFace;
    if (o.minScore !== undefined) d.scoreThresholds = [0.6, 0.7, o.minScore];
  }
  if (landmarks) d.withLandmarks = landmarks;
  return d;
}

/** Landmarks the embedding commands need: 68 points for --align 68, or tiny's 68 (MTCNN has its 5) for 'landmarks'. */
export function embedLandmarks(o: CommonOptions): DetectOptions['withLandmarks'] {
  if (o.align === 'none') return false;
  if (o.align === '68') return true;
  return o.detector === 'tiny';
}

export type Decoded = { path: string; image: RgbaImage } | { path: string; error: unknown };

/** Decodes the files one ahead of their use; never rejects (errors come back per file). */
export async function* images(fr: FaceRecognizer, paths: readonly string[]): AsyncGenerator<Decoded> {
  const load = (p: string): Promise<Decoded> => {
    try {
      if (existsSync(p) && statSync(p).isDirectory()) return Promise.resolve({ path: p, error: new CliError(`image '${p}': is a directory`, EXIT.INPUT) });
    } catch {
      // stat failed: decodeImage reports it
    }
    return fr.image(p, `image '${p}'`).then(
      (image) => ({ path: p, image }),
      (error: unknown) => ({ path: p, error }),
    );
  };
  let next = paths.length ? load(paths[0]!) : null;
  for (let i = 0; i < paths.length; i++) {
    const cur = next!;
    next = i + 1 < paths.length ? load(paths[i + 1]!) : null;
    yield await cur;
  }
}

/** Tracks per-file failures: the exit code is the first failure's (EXIT.OK when none). */
export class Outcome {
  code: number = EXIT.OK;
  failures = 0;

  constructor(
    private readonly bar: Progress,
    private readonly json: boolean,
  ) {}

  fail(path: string, e: unknown): { file: string; error: string; exitCode: number } {
    const code = exitCodeOf(e);
    // Model trouble (or a bug) is not about this file: stop instead of failing every file the same way.
    if (code === EXIT.MODEL || code === EXIT.FAILURE) throw e;
    this.failures++;
    if (this.code === EXIT.OK) this.code = code;
    const msg = messageOf(e);
    if (!this.json) this.bar.log(`facegpu: ${msg.includes(path) ? msg : `${path}: ${msg}`}`);
    else if (process.stderr.isTTY) this.bar.log(`facegpu: ${msg}`);
    return { file: path, error: msg, exitCode: code };
  }
}

/** Output names for inputs, unique within one run (two inputs called a.jpg get a and a-2). */
function outputStems(paths: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const stem = basename(p, extname(p)) || 'image';
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}-${n}`;
  });
}

async function encodePng(img: RgbaImage): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 4 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** Indented JSON with points ({ "x": .., "y": .. }) and number arrays kept on one line each: readable landmark lists. */
export function jsonText(doc: unknown): string {
  return JSON.stringify(doc, null, 2)
    .replace(/\{\s*"x": (-?[\d.e+-]+),\s*"y": (-?[\d.e+-]+)\s*\}/g, '{ "x": $1, "y": $2 }')
    .replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, nums: string) => `[${nums.split(/,\s*/).join(', ')}]`);
}

export function print(o: CommonOptions, doc: object, text: string[]): void {
  if (o.json) process.stdout.write(`${jsonText(doc)}\n`);
  else if (text.length) process.stdout.write(`${text.join('\n')}\n`);
}

async function detect([paths]: [string[]], o: CommonOptions): Promise<number> {
  if (o.model !== undefined) return detectWithModel(paths, { ...o, model: o.model });
  const lm = o.landmarks ?? 'auto';
  const withLandmarks: DetectOptions['withLandmarks'] = lm === '68' ? true : lm === '68-tiny' ? 'tiny' : lm === 'auto' && o.detector === 'tiny';
  const opts = detectOptions(o, withLandmarks);
  let outDir: string | undefined;
  if (o.out !== undefined) {
    outDir = resolve(o.out);
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (e) {
      throw new CliError(`--out '${o.out}': cannot create the folder (${messageOf(e)})`, EXIT.INPUT);
    }
    if (!statSync(outDir).isDirectory()) throw new CliError(`--out '${o.out}' is not a folder`, EXIT.INPUT);
  }
  const fr = await recognizer(o);
  const bar = progress('detect', paths.length, o.progress);
  const outcome = new Outcome(bar, o.json);
  const results: object[] = [];
  const text: string[] = [];
  const stems = outputStems(paths);
  try {
    let i = 0;
    for await (const d of images(fr, paths)) {
      const stem = stems[i++]!;
      if ('error' in d) {
        results.push(outcome.fail(d.path, d.error));
        bar.tick(basename(d.path));
        continue;
      }
      try {
        const faces = await fr.detect(d.image, opts);
        const entry: Record<string, unknown> = {
          file: d.path,
          width: d.image.width,
          height: d.image.height,
          detector: o.detector,
          faces: faces.map(faceJson),
        };
        if (outDir) {
          const png = join(outDir, `${stem}.png`);
          const json = join(outDir, `${stem}.json`);
          annotate(
            d.image,
            faces.map((f) => ({ box: f.box, landmarks: f.landmarks, label: f.score.toFixed(2) })),
          );
          writeFileAtomic(png, await encodePng(d.image));
          writeFileAtomic(json, `${jsonText(entry)}\n`);
          entry.png = png;
          entry.json = json;
        }
        results.push(entry);
        if (!o.json) {
          const files = outDir ? ` -> ${entry.png}, ${entry.json}` : '';
          text.push(`${d.path}: ${faces.length} face${faces.length === 1 ? '' : 's'}${files}`);
          faces.forEach((f, k) =>
            text.push(`  face ${k + 1}: x ${r2(f.box.x)} y ${r2(f.box.y)} w ${r2(f.box.width)} h ${r2(f.box.height)} score ${f.score.toFixed(3)}`),
          );
        }
      } catch (e) {
        results.push(outcome.fail(d.path, e));
      }
      bar.tick(basename(d.path));
    }
  } finally {
    bar.stop();
    fr.dispose();
  }
  print(o, { command: 'detect', backend: fr.backend, detector: o.detector, files: results }, text);
  return outcome.code;
}

/** The largest face (by box area) in an image, embedded: what enroll and verify take from each image. */
export async function largestFace(
  fr: FaceRecognizer,
  image: RgbaImage,
  path: string,
  o: CommonOptions,
): Promise<{ face: DetectedFace; descriptor: Float32Array; faces: number }> {
  const faces = await fr.detect(image, detectOptions(o, embedLandmarks(o)));
  if (faces.length === 0) throw new CliError(`${path}: no face found (detector ${o.detector})`, EXIT.NO_FACE);
  const face = faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
  const descriptor = await fr.embed(image, face, { align: o.align !== 'none' });
  return { face, descriptor, faces: faces.length };
}

async function verify([a, b]: [string, string], o: CommonOptions): Promise<number> {
  const threshold = o.threshold ?? DEFAULT_THRESHOLD;
  const fr = await recognizer(o);
  try {
    const got: { face: DetectedFace; descriptor: Float32Array; faces: number }[] = [];
    for await (const d of images(fr, [a, b])) {
      if ('error' in d) throw d.error;
      got.push(await largestFace(fr, d.image, d.path, o));
    }
    const { distance, same } = verifyFaces(got[0]!.descriptor, got[1]!.descriptor, { threshold });
    const doc = {
      command: 'verify',
      backend: fr.backend,
      a: { file: a, faces: got[0]!.faces, face: faceJson(got[0]!.face) },
      b: { file: b, faces: got[1]!.faces, face: faceJson(got[1]!.face) },
      distance: r4(distance),
      threshold,
      same,
    };
    print(o, doc, [`${same ? 'same person' : 'different people'}: distance ${distance.toFixed(4)} (threshold ${threshold})`]);
    return EXIT.OK;
  } finally {
    fr.dispose();
  }
}

export { detect, verify };
