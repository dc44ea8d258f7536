// train-detector (a joint detection + recognition head from a labelled folder) and detect --model (faces found
// and named by such a head). The trunk is FaceRecognitionNet, loaded from --model-path like the other commands.
import { basename, extname, join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Option, type Command } from 'commander';
import '../index.node.js';
import { createEngine, type Engine } from '../runtime/engine.js';
import { decodeImage } from '../face/image-node.js';
import { JointTrunk } from '../detector/trunk.js';
import { detectJoint, trainJointDetector } from '../detector/api.js';
import { loadJointDetector, loadLabelledDir, saveJointDetector } from '../detector/node.js';
import { jsonText, Outcome, print, r2, r4, type CommonOptions } from './commands.js';
import { CliError, EXIT, progress, writeFileAtomic } from './output.js';
import { annotate } from './draw.js';

export interface TrainDetectorOptions {
  data: string;
  grid: '5' | '5,11,19';
  anchors: string;
  epochs: number;
  out: string;
  seed: number;
  augment: number;
  batchSize: number;
  lr: number;
  backend: 'auto' | 'wasm' | 'webgpu';
  threads?: number;
  json: boolean;
  progress: boolean;
  modelPath?: string;
  verbose: boolean;
}

/** What program.ts lends: its shared option groups and value parsers (as for the video command). */
export interface DetectorProgramParts {
  common: (c: Command) => Command;
  intIn: (name: string, lo: number, hi: number) => (v: string) => number;
  numIn: (name: string, lo: number, hi: number) => (v: string) => number;
}

/** Adds `facegpu train-detector` to the program (detect --model is an option of detect). */
export function registerDetector(program: Command, p: DetectorProgramParts): void {
  p.common(program.command('train-detector'))
    .description('train a joint face detection + recognition head (YOLO-style grid on the frozen FaceRecognitionNet trunk) on a labelled folder')
    .requiredOption('--data <dir>', 'folder with the images and labels.json: {"classes": [...], "images": [{"file", "boxes": [{"x", "y", "width", "height", "label"}]}]}')
    .requiredOption('-o, --out <file>', 'model file to write (atomically)')
    .addOption(new Option('--grid <s>', "5: the 5x5 head; '5,11,19': the multi-scale decoder").choices(['5', '5,11,19']).default('5'))
    .option('--anchors <a>', "'auto' (k-means, k = 3, 1 - IoU, over the training boxes) or 'w,h;w,h;w,h' as fractions of the image side", 'auto')
    .option('--epochs <n>', 'training epochs', p.intIn('--epochs', 1, 100000), 30)
    .option('--seed <n>', 'seed of initialisation, augmentation, shuffling and k-means', p.intIn('--seed', 0, 2 ** 31 - 1), 0)
    .option('--augment <n>', 'augmented copies per image (scale, shift, flip, colour jitter)', p.intIn('--augment', 0, 100), 0)
    .option('--batch-size <n>', 'images per Adam step', p.intIn('--batch-size', 1, 4096), 16)
    .option('--lr <rate>', 'Adam learning rate', p.numIn('--lr', 1e-7, 1), 1e-3)
    .action(async (_o: unknown, cmd: Command) => {
      process.exitCode = await trainDetector(cmd.opts() as TrainDetectorOptions);
    });
}

/** --anchors: 'auto' or 'w,h;w,h;...' as fractions of the image side. */
export function parseAnchors(v: string): 'auto' | [number, number][] {
  if (v === 'auto') return 'auto';
  const pairs = v.split(';').map((p) => p.split(',').map(Number));
  if (pairs.length === 0 || pairs.some((p) => p.length !== 2 || p.some((x) => !Number.isFinite(x) || x <= 0 || x > 4))) {
    throw new CliError(`--anchors must be 'auto' or 'w,h;w,h;...' (fractions of the image side, 0 < v <= 4), got '${v}'`, EXIT.USAGE);
  }
  return pairs as [number, number][];
}

async function engineFor(o: { backend: TrainDetectorOptions['backend']; threads?: number; verbose: boolean }): Promise<Engine> {
  return createEngine({ backend: o.backend, ...(o.threads !== undefined ? { threads: o.threads } : {}), log: o.verbose ? (m) => process.stderr.write(`${m}\n`) : null });
}

async function trunkFor(engine: Engine, modelPath?: string): Promise<JointTrunk> {
  return JointTrunk.load(engine, undefined, modelPath ? { modelPath } : undefined);
}

export async function trainDetector(o: TrainDetectorOptions): Promise<number> {
  const anchors = parseAnchors(o.anchors);
  const data = await loadLabelledDir(o.data);
  const engine = await engineFor(o);
  let trunk: JointTrunk | undefined;
  const bar = progress('train', o.epochs, o.progress);
  try {
    trunk = await trunkFor(engine, o.modelPath);
    const t0 = performance.now();
    const { detector, history, anchors: used } = await trainJointDetector(trunk, data.classes, data.images, {
      grid: o.grid === '5' ? 5 : [5, 11, 19],
      anchors,
      epochs: o.epochs,
      seed: o.seed,
      augment: o.augment,
      batchSize: o.batchSize,
      learningRate: o.lr,
      onEpoch: (e) => {
        bar.tick(`loss ${e.loss.toFixed(4)}`);
        if (o.verbose) bar.log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)} (obj ${e.parts[0]!.toFixed(4)}, box ${e.parts[1]!.toFixed(4)}, class ${e.parts[2]!.toFixed(4)}) ${e.seconds.toFixed(1)} s`);
      },
    });
    try {
      await saveJointDetector(detector, o.out);
    } finally {
      detector.dispose();
    }
    bar.stop();
    const doc = {
      command: 'train-detector',
      backend: engine.backendName,
      model: resolve(o.out),
      classes: data.classes,
      images: data.images.length,
      augment: o.augment,
      grid: o.grid,
      anchors: used.map(([w, h]) => [r4(w), r4(h)]),
      seed: o.seed,
      loss: history.map((h) => r4(h.loss)),
      seconds: r2((performance.now() - t0) / 1000),
    };
    print(o as unknown as CommonOptions, doc, [
      `trained a ${o.grid === '5' ? '5x5' : 'multi-scale 5/11/19'} head on ${data.images.length} images x ${1 + o.augment} (${data.classes.length} classes), ${o.epochs} epochs: loss ${doc.loss[0]} -> ${doc.loss[doc.loss.length - 1]}`,
      `model written to ${doc.model}`,
    ]);
    return EXIT.OK;
  } finally {
    bar.stop();
    trunk?.dispose();
    engine.dispose();
  }
}

/** detect --model: the joint head's faces and names for each image. */
export async function detectWithModel(paths: readonly string[], o: CommonOptions & { model: string }): Promise<number> {
  if (o.detector !== 'tiny' || o.inputSize !== undefined || o.minFace !== undefined) {
    throw new CliError('--model runs the joint detector: --detector, --input-size and --min-face do not apply', EXIT.USAGE);
  }
  let outDir: string | undefined;
  if (o.out !== undefined) {
    outDir = resolve(o.out);
    mkdirSync(outDir, { recursive: true });
  }
  const engine = await engineFor(o);
  let trunk: JointTrunk | undefined;
  const bar = progress('detect', paths.length, o.progress);
  const outcome = new Outcome(bar, o.json);
  const results: object[] = [];
  const text: string[] = [];
  try {
    const detector = await loadJointDetector(engine, o.model);
    try {
      trunk = await trunkFor(engine, o.modelPath);
      for (const p of paths) {
        try {
          const image = await decodeImage(p);
          const [faces] = await detectJoint(trunk, detector, [image], { scoreThreshold: o.minScore ?? 0.3 });
          const entry: Record<string, unknown> = {
            file: p,
            width: image.width,
            height: image.height,
            faces: faces!.map((f) => ({ box: { x: r2(f.box.x), y: r2(f.box.y), width: r2(f.box.width), height: r2(f.box.height) }, score: r4(f.score), label: f.label, labelScore: r4(f.labelScore) })),
          };
          if (outDir) {
            const stem = basename(p, extname(p)) || 'image';
            const png = join(outDir, `${stem}.png`);
            const json = join(outDir, `${stem}.json`);
            annotate(image, faces!.map((f) => ({ box: f.box, label: `${f.label.toUpperCase()} ${f.labelScore.toFixed(2)}` })));
            const sharp = (await import('sharp')).default;
            const d = image.data;
            writeFileAtomic(png, await sharp(Buffer.from(d.buffer, d.byteOffset, d.byteLength), { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer());
            writeFileAtomic(json, `${jsonText(entry)}\n`);
            entry.png = png;
            entry.json = json;
          }
          results.push(entry);
          text.push(`${p}: ${faces!.length} face${faces!.length === 1 ? '' : 's'}`);
          faces!.forEach((f, k) =>
            text.push(`  face ${k + 1}: x ${r2(f.box.x)} y ${r2(f.box.y)} w ${r2(f.box.width)} h ${r2(f.box.height)} score ${f.score.toFixed(3)} ${f.label} (${f.labelScore.toFixed(3)})`),
          );
        } catch (e) {
          results.push(outcome.fail(p, e));
        }
        bar.tick(basename(p));
      }
    } finally {
      detector.dispose();
    }
  } finally {
    bar.stop();
    trunk?.dispose();
    engine.dispose();
  }
  print(o, { command: 'detect', backend: engine.backendName, model: resolve(o.model), files: results }, text);
  return outcome.code;
}
