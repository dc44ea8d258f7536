// facegpu train-aggregator: (re)trains a temporal aggregator on the user's own labelled clips and writes its
// weights file (atomically), which fr.video({ aggregator, aggregatorOptions: { weights } }) and createAggregator(engine, kind, { weights }) take.
//
// --data holds one folder per identity; in it, clips: video files (GIF, MP4, WebM, ... through openVideo), folders
// of frames, and / or the frames themselves (images directly in the identity folder make one clip). Each frame
// goes through the detector (the face that overlaps the previous frame's most, else the largest) and
// FaceRecognitionNet; long clips are cut into tracks of at most 32 frames.
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Option, type Command } from 'commander';
import type { FaceRecognizer, DetectedFace } from '../face/recognizer.js';
import { iou } from '../video/kalman.js';
import { sharpness } from '../video/quality.js';
import { openVideo } from '../video/sources-node.js';
import type { TrackFrame } from '../video/types.js';
import { TRAINED_KINDS, trainAggregator, type LabelledTrack, type TrainedKind } from '../video/aggregators/index.js';
import { detectOptions, embedLandmarks, print, recognizer, type CommonOptions } from './commands.js';
import { CliError, EXIT, messageOf, progress, writeFileAtomic } from './output.js';

export interface TrainAggregatorCliOptions extends CommonOptions {
  data: string;
  kind: TrainedKind;
  epochs: number;
  out: string;
  seed: number;
  units: number;
  batchSize: number;
  learningRate: number;
  maxTrack: number;
}

interface ProgramParts {
  common: (c: Command) => Command;
  detection: (c: Command) => Command;
  embedding: (c: Command) => Command;
  intIn: (name: string, lo: number, hi: number) => (v: string) => number;
  numIn: (name: string, lo: number, hi: number) => (v: string) => number;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.avif', '.bmp']);

/** Adds `facegpu train-aggregator` to the program. */
export function registerTrainAggregator(program: Command, p: ProgramParts): void {
  p.common(p.embedding(p.detection(program.command('train-aggregator'))))
    .description('train a temporal aggregator (REAN / naive LSTM) on labelled clips; writes a weights file for fr.video({ aggregator, aggregatorOptions: { weights } })')
    .requiredOption('--data <dir>', 'one folder per identity holding clips: videos (GIF, MP4, ...), frame folders, or frames directly')
    .addOption(new Option('--kind <kind>', 'aggregator to train').choices([...TRAINED_KINDS]).default('rean-gru'))
    .option('--epochs <n>', 'training epochs', p.intIn('--epochs', 1, 100000), 30)
    .requiredOption('--out <file>', 'weights file to write (JSON, written atomically)')
    .option('--seed <n>', 'seed of initialisation and batch sampling', p.intIn('--seed', 0, 2 ** 31 - 1), 1)
    .option('--units <n>', 'recurrent units', p.intIn('--units', 1, 1024), 32)
    .option('--batch-size <n>', 'tracks per step', p.intIn('--batch-size', 1, 4096), 32)
    .option('--learning-rate <lr>', 'Adam learning rate', p.numIn('--learning-rate', 1e-6, 1), 3e-3)
    .option('--max-track <n>', 'longest track; longer clips are cut', p.intIn('--max-track', 2, 10000), 32)
    .action(async (_o: unknown, cmd: Command) => {
      process.exitCode = await trainAggregatorCommand(cmd.opts() as TrainAggregatorCliOptions);
    });
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Identity folder -> clips: sub-folders and video files, plus one clip of the frames lying in it directly. */
export function listClips(data: string): { identity: string; clips: { path: string; frames?: string[] }[] }[] {
  if (!isDir(data)) throw new CliError(`--data '${data}': not a folder`, EXIT.INPUT);
  const ids = readdirSync(data).filter((n) => !n.startsWith('.') && isDir(join(data, n))).sort();
  if (ids.length < 2) throw new CliError(`--data '${data}': needs at least 2 identity folders (found ${ids.length})`, EXIT.INPUT);
  return ids.map((identity) => {
    const dir = join(data, identity);
    const entries = readdirSync(dir).filter((n) => !n.startsWith('.')).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const frames = entries.filter((n) => IMAGE_EXT.has(extname(n).toLowerCase())).map((n) => join(dir, n));
    const clips: { path: string; frames?: string[] }[] = entries.filter((n) => !IMAGE_EXT.has(extname(n).toLowerCase())).map((n) => ({ path: join(dir, n) }));
    if (frames.length) clips.push({ path: dir, frames });
    if (clips.length === 0) throw new CliError(`--data: identity folder '${dir}' holds no clips or frames`, EXIT.INPUT);
    return { identity, clips };
  });
}

/** One clip's tracked face per frame (frames without a face are skipped), cut into tracks of <= maxTrack. */
async function clipTracks(fr: FaceRecognizer, clip: { path: string; frames?: string[] }, o: TrainAggregatorCliOptions): Promise<TrackFrame[][]> {
  const det = detectOptions(o, embedLandmarks(o));
  const frames: TrackFrame[] = [];
  let prev: DetectedFace | null = null;
  const onFrame = async (image: Parameters<FaceRecognizer['detect']>[0]) => {
    const img = await fr.image(image);
    const faces = await fr.detect(img, det);
    if (faces.length === 0) return;
    const area = (f: DetectedFace) => f.box.width * f.box.height;
    const near = prev ? faces.reduce((a, b) => (iou(b.box, prev!.box) > iou(a.box, prev!.box) ? b : a)) : null;
    const face = near && iou(near.box, prev!.box) > 0.1 ? near : faces.reduce((a, b) => (area(b) > area(a) ? b : a));
    prev = face;
    const embedding = await fr.embed(img, face, { align: o.align !== 'none' });
    frames.push({ embedding, quality: { score: face.score, faceSize: Math.max(face.box.width, face.box.height), sharpness: sharpness(img, face.box) } });
  };
  if (clip.frames) {
    for (const f of clip.frames) await onFrame(f);
  } else {
    const src = await openVideo(clip.path);
    try {
      for await (const f of src) await onFrame(f.image);
    } finally {
      await src.close();
    }
  }
  const out: TrackFrame[][] = [];
  for (let i = 0; i < frames.length; i += o.maxTrack) {
    const t = frames.slice(i, i + o.maxTrack);
    if (t.length >= 2) out.push(t);
  }
  return out;
}

export async function trainAggregatorCommand(o: TrainAggregatorCliOptions): Promise<number> {
  const ids = listClips(o.data);
  detectOptions(o, false); // option conflicts before any work
  const fr = await recognizer(o);
  const nClips = ids.reduce((a, x) => a + x.clips.length, 0);
  const bar = progress('clips', nClips, o.progress);
  const tracks: LabelledTrack[] = [];
  const perIdentity: { identity: string; tracks: number; frames: number }[] = [];
  try {
    for (const [label, id] of ids.entries()) {
      let nt = 0;
      let nf = 0;
      for (const clip of id.clips) {
        let got: TrackFrame[][];
        try {
          got = await clipTracks(fr, clip, o);
        } catch (e) {
          throw new CliError(`${clip.path}: ${messageOf(e)}`, EXIT.INPUT);
        }
        for (const t of got) tracks.push({ frames: t, label });
        nt += got.length;
        nf += got.reduce((a, t) => a + t.length, 0);
        bar.tick(basename(clip.path));
      }
      if (nt === 0) throw new CliError(`identity '${id.identity}': no clip gave a track of 2 or more frames with a face`, EXIT.NO_FACE);
      perIdentity.push({ identity: id.identity, tracks: nt, frames: nf });
    }
    bar.stop();
    const lines: string[] = [];
    const log = (l: string): void => {
      if (!o.json) process.stderr.write(`${l}\n`);
    };
    log(`train-aggregator: ${tracks.length} tracks of ${ids.length} identities; training ${o.kind} on ${fr.engine.backendName}`);
    const r = await trainAggregator(fr.engine, o.kind, tracks, {
      epochs: o.epochs,
      seed: o.seed,
      units: o.units,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      onEpochEnd: (e, l) => log(`epoch ${e + 1}/${o.epochs}: loss ${l.loss.toFixed(4)}, accuracy ${(100 * l.acc).toFixed(1)}%, ${l.ms.toFixed(0)} ms`),
    });
    r.weights.training = { ...r.weights.training, identities: ids.map((x) => x.identity) };
    writeFileAtomic(o.out, `${JSON.stringify(r.weights)}\n`);
    lines.push(`wrote ${o.out}: ${o.kind}, ${tracks.length} tracks, final loss ${r.history.loss.at(-1)!.toFixed(4)}`);
    print(o, { out: o.out, kind: o.kind, backend: r.backend, identities: perIdentity, epochs: r.history.loss.map((loss, i) => ({ loss, accuracy: r.history.acc[i], ms: r.history.epochMs[i] })) }, lines);
    return EXIT.OK;
  } finally {
    bar.stop();
    fr.dispose();
  }
}
