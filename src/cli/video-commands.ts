// facegpu video: track and name the faces of a video. Frames stream from the source (GIF, ffmpeg, a folder) through
// fr.video() one at a time; each is annotated (boxes, track ids, names) and written out as it goes: PNGs into a
// folder, or raw RGBA piped into ffmpeg for a video file. The JSON timeline lists the tracks and, per frame, the
// boxes and identities. Every file is written atomically (temp + fsync + rename).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { once } from 'node:events';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import type { RgbaImage } from '../face/image.js';
import type { FaceGallery } from '../face/gallery.js';
import { loadGallery } from '../face/gallery-node.js';
import { AGGREGATOR_KINDS, type AggregatorKind } from '../video/types.js';
import { FfmpegNotFoundError, openVideo } from '../video/sources-node.js';
import type { VideoEvent, VideoTrack } from '../video/video-recognizer.js';
import { detectOptions, embedLandmarks, jsonText, print, r2, r4, recognizer, type CommonOptions } from './commands.js';
import { annotate } from './draw.js';
import { CliError, EXIT, messageOf, writeFileAtomic } from './output.js';

export interface VideoCliOptions extends CommonOptions {
  gallery?: string;
  timeline?: string;
  aggregator: AggregatorKind;
  detectEvery: number;
  maxFrames?: number;
  ffmpeg?: string;
}

/** What program.ts lends: its shared option groups and value parsers. */
export interface ProgramParts {
  common: (c: Command) => Command;
  detection: (c: Command) => Command;
  embedding: (c: Command) => Command;
  intIn: (name: string, lo: number, hi: number) => (v: string) => number;
  numIn: (name: string, lo: number, hi: number) => (v: string) => number;
}

/** Adds `facegpu video` to the program. */
export function registerVideo(program: Command, p: ProgramParts): void {
  p.common(p.embedding(p.detection(program.command('video'))))
    .description('track and name the faces of a video; write annotated frames (PNG folder or video file) and a JSON timeline')
    .argument('<video>', 'a video: GIF (decoded by sharp), MP4 / WebM / MOV / MKV / ... (the system ffmpeg), or a folder of frames')
    .option('-g, --gallery <file>', 'gallery file made by enroll: tracks are named from it (without: tracks only)')
    .option('-o, --out <path>', 'annotated frames: a folder of PNGs, or a video file ending .mp4, .mov, .mkv or .webm (encoded by ffmpeg)')
    .option('--timeline <file>', 'write the JSON timeline (tracks; per frame each track box and identity) to this file')
    .addOption(new Option('--aggregator <kind>', 'how a track turns its frames into one embedding').choices([...AGGREGATOR_KINDS]).default('mean'))
    .option('--detect-every <k>', 'run the detector on every k-th frame; tracks follow their motion in between', p.intIn('--detect-every', 1, 1000), 1)
    .option('--threshold <d>', "distance above which a track is unknown (default: the gallery's)", p.numIn('--threshold', 0, 4))
    .option('--max-frames <n>', 'stop after n frames', p.intIn('--max-frames', 1, 1e9))
    .option('--ffmpeg <path>', 'the ffmpeg binary (default: ffmpeg on PATH; ffprobe is looked for beside it)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      process.exitCode = await video([file], cmd.opts() as VideoCliOptions);
    });
}

const VIDEO_OUT: Record<string, { format: string; codec: string[] }> = {
  '.mp4': { format: 'mp4', codec: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'] },
  '.mov': { format: 'mov', codec: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'] },
  '.mkv': { format: 'matroska', codec: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'] },
  '.webm': { format: 'webm', codec: ['-c:v', 'libvpx', '-b:v', '2M', '-pix_fmt', 'yuv420p'] },
};

/** Media extensions --out cannot write (a folder named like this is almost surely a mistake). */
const NOT_OUT = new Set(['.gif', '.avi', '.m4v', '.flv', '.wmv', '.png', '.jpg', '.jpeg', '.webp']);

/** Where annotated frames go. */
interface FrameSink {
  write(img: RgbaImage, index: number): Promise<void>;
  /** Finishes the output (the video file appears at its path only now). */
  close(): Promise<void>;
  /** Drops a half-written output. */
  abort(): Promise<void>;
  readonly path: string;
}

async function pngSink(dir: string): Promise<FrameSink> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`--out '${dir}': cannot create the folder (${messageOf(e)})`, EXIT.INPUT);
  }
  if (!statSync(dir).isDirectory()) throw new CliError(`--out '${dir}' is not a folder`, EXIT.INPUT);
  const sharp = (await import('sharp')).default;
  return {
    path: dir,
    async write(img, index) {
      const png = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 4 } })
        .png({ compressionLevel: 6 })
        .toBuffer();
      writeFileAtomic(join(dir, `frame-${String(index).padStart(5, '0')}.png`), png);
    },
    close: async () => {},
    abort: async () => {},
  };
}

/** Raw RGBA frames piped into ffmpeg, which encodes to a temp file beside `path`; renamed over it on success. */
function videoSink(path: string, width: number, height: number, fps: number, ffmpeg: string): FrameSink {
  const kind = VIDEO_OUT[extname(path).toLowerCase()]!;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const args = ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0'];
  // 4:2:0 needs even sides.
  args.push('-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', ...kind.codec, '-f', kind.format, tmp);
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
  let failure: Error | undefined;
  const exited = new Promise<number | null>((done) => {
    child.on('error', (e) => {
      failure = (e as NodeJS.ErrnoException).code === 'ENOENT' ? new FfmpegNotFoundError(`ffmpeg '${ffmpeg}' not found: writing ${extname(path)} video needs the system ffmpeg (Debian / Ubuntu: apt-get install ffmpeg), or --out a folder for PNG frames`) : e;
      done(null);
    });
    child.on('close', (code) => done(code));
  });
  // A dead ffmpeg makes writes fail with EPIPE: report ffmpeg's own message instead.
  child.stdin.on('error', () => {});
  const fail = async (): Promise<never> => {
    await exited;
    rmSync(tmp, { force: true });
    throw failure ?? new CliError(`writing '${path}': ffmpeg failed: ${stderr.trim().split('\n').pop() ?? 'no message'}`, EXIT.FAILURE);
  };
  return {
    path,
    async write(img) {
      if (failure || child.exitCode !== null) return fail();
      // Back-pressure: wait for the pipe to drain before the next frame.
      if (!child.stdin.write(img.data)) await Promise.race([once(child.stdin, 'drain'), exited]);
      if (failure || child.exitCode !== null) return fail();
    },
    async close() {
      child.stdin.end();
      const code = await exited;
      if (code !== 0) return fail();
      const fd = openSync(tmp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    },
    async abort() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(tmp, { force: true });
    },
  };
}

/** A frame progress bar on stderr, drawn only on a terminal. */
function frameBar(enabled: boolean, total: number | undefined): { tick(fps: number): void; stop(): void } {
  const stream = process.stderr;
  if (!enabled || !stream.isTTY) return { tick: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: total ? 'video |{bar}| {value}/{total} frames | {fps} fps | ETA {eta_formatted}' : 'video | {value} frames | {fps} fps',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0, { fps: '0.0' });
  return { tick: (fps) => bar.increment(1, { fps: fps.toFixed(1) }), stop: () => bar.stop() };
}

const label = (t: { id: number; identity: string | null }): string => `${t.id} ${t.identity ?? '?'}`.replace(/[^0-9A-Za-z .:_-]/g, '_');
const boxJson = (b: { x: number; y: number; width: number; height: number }) => ({ x: r2(b.x), y: r2(b.y), width: r2(b.width), height: r2(b.height) });

export async function video([file]: [string], o: VideoCliOptions): Promise<number> {
  const det = detectOptions(o, embedLandmarks(o));
  const ext = o.out !== undefined ? extname(o.out).toLowerCase() : '';
  const outIsVideo = o.out !== undefined && ext in VIDEO_OUT;
  if (o.out !== undefined && !outIsVideo && NOT_OUT.has(ext)) {
    throw new CliError(`--out '${o.out}': a video file must end .mp4, .mov, .mkv or .webm (or give a folder for PNG frames)`, EXIT.USAGE);
  }
  let gallery: FaceGallery | undefined;
  if (o.gallery !== undefined) {
    if (!existsSync(o.gallery)) throw new CliError(`gallery '${o.gallery}': file not found (make one with: facegpu enroll ${o.gallery} <name> <images...>)`, EXIT.INPUT);
    try {
      gallery = await loadGallery(o.gallery);
    } catch (e) {
      throw new CliError(messageOf(e), EXIT.INPUT);
    }
  }
  let source;
  try {
    source = await openVideo(file, o.ffmpeg ? { ffmpegPath: o.ffmpeg } : {});
  } catch (e) {
    if (e instanceof FfmpegNotFoundError) throw e;
    throw new CliError(messageOf(e), EXIT.INPUT);
  }
  const fr = await recognizer(o);
  const vr = fr.video({
    aggregator: o.aggregator,
    detectEvery: o.detectEvery,
    detect: det,
    align: o.align !== 'none',
    ...(gallery ? { gallery } : {}),
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
  });
  const total = o.maxFrames !== undefined && source.frameCount !== undefined ? Math.min(o.maxFrames, source.frameCount) : (o.maxFrames ?? source.frameCount);
  const bar = frameBar(o.progress, total);
  let sink: FrameSink | undefined;
  const frames: object[] = [];
  const tracks = new Map<number, { id: number; identity: string | null; firstFrame: number; lastFrame: number; start: number; end: number; detections: number; names: Map<string, number> }>();
  let width = 0;
  let height = 0;
  let n = 0;
  const t0 = performance.now();
  const note = (e: VideoEvent, ts: number): void => {
    let t = tracks.get(e.trackId);
    if (!t) tracks.set(e.trackId, (t = { id: e.trackId, identity: null, firstFrame: e.frame, lastFrame: e.frame, start: ts, end: ts, detections: 0, names: new Map() }));
    if (e.type === 'track-update') {
      t.lastFrame = e.frame;
      t.end = ts;
      if (e.detected) t.detections++;
      if (e.identity !== null) t.names.set(e.identity, (t.names.get(e.identity) ?? 0) + 1);
    }
  };
  try {
    for await (const r of vr.recognizeVideo(source)) {
      if (r.frame === null) break;
      const { image, index, timestamp } = r.frame;
      width = image.width;
      height = image.height;
      for (const e of r.events) note(e, timestamp);
      frames.push({
        index,
        timestamp: r4(timestamp),
        tracks: r.tracks.map((t: VideoTrack) => ({ id: t.id, identity: t.identity, distance: t.distance === null ? null : r4(t.distance), detected: t.detected, box: boxJson(t.box) })),
      });
      if (o.out !== undefined) {
        sink ??= outIsVideo ? videoSink(resolve(o.out), width, height, source.fps ?? 25, o.ffmpeg ?? 'ffmpeg') : await pngSink(resolve(o.out));
        annotate(image, r.tracks.map((t) => ({ box: t.box, label: label(t) })));
        await sink.write(image, index);
      }
      n++;
      bar.tick(n / Math.max((performance.now() - t0) / 1000, 1e-9));
      if (o.maxFrames !== undefined && n >= o.maxFrames) break;
    }
    await sink?.close();
  } catch (e) {
    await sink?.abort();
    throw e;
  } finally {
    bar.stop();
    vr.dispose();
    gallery?.dispose();
    fr.dispose();
    await source.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  // A track's identity over the video: the name it carried on most frames.
  const trackList = [...tracks.values()].map((t) => {
    const named = [...t.names.entries()].sort((a, b) => b[1] - a[1]);
    return {
      id: t.id,
      identity: named[0]?.[0] ?? null,
      firstFrame: t.firstFrame,
      lastFrame: t.lastFrame,
      start: r4(t.start),
      end: r4(t.end),
      detections: t.detections,
      identities: Object.fromEntries(named),
    };
  });
  const doc = {
    command: 'video',
    backend: fr.backend,
    file,
    width,
    height,
    frames: n,
    fps: source.fps === undefined ? null : r4(source.fps),
    seconds: r4(seconds),
    aggregator: o.aggregator,
    detectEvery: o.detectEvery,
    gallery: o.gallery ?? null,
    out: o.out ?? null,
    tracks: trackList,
    timeline: frames,
  };
  if (o.timeline !== undefined) {
    try {
      writeFileAtomic(resolve(o.timeline), `${jsonText(doc)}\n`);
    } catch (e) {
      throw new CliError(`--timeline '${o.timeline}': cannot write (${messageOf(e)})`, EXIT.INPUT);
    }
  }
  const text = [
    `${file}: ${n} frames ${width}x${height}, ${trackList.length} track${trackList.length === 1 ? '' : 's'} (${(n / Math.max(seconds, 1e-9)).toFixed(1)} frames/s, ${fr.backend})`,
    ...trackList.map((t) => `  track ${t.id}: ${t.identity ?? 'unknown'}, frames ${t.firstFrame}-${t.lastFrame} (detected on ${t.detections} frames)`),
    ...(o.out !== undefined ? [`annotated frames -> ${o.out}`] : []),
    ...(o.timeline !== undefined ? [`timeline -> ${o.timeline}`] : []),
  ];
  // --json prints the summary; the per-frame timeline goes to --timeline only (it can be large).
  print(o, { ...doc, timeline: undefined }, text);
  return EXIT.OK;
}
