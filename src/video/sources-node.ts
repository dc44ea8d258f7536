// Node frame sources: animated GIF / WebP (sharp, a few pages at a time), MP4 / WebM / MOV / ... through the system
// ffmpeg (spawned, raw RGBA on a pipe, read one frame at a time so the pipe's back-pressure stalls the decoder
// instead of the video filling memory), and a folder of frames. Never imported by the browser entry.
import { spawn, execFile, type ChildProcessByStdio } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError, UnsupportedError } from '../runtime/errors.js';
import { MAX_IMAGE_PIXELS, type RgbaImage } from '../face/image.js';
import { decodeImage } from '../face/image-node.js';
import type { FrameSource, SourceFrame } from './frames.js';

/** The system ffmpeg (or ffprobe) could not be run. Install the Debian / Ubuntu package `ffmpeg`, or pass ffmpegPath. */
export class FfmpegNotFoundError extends UnsupportedError {}

export interface FfmpegOptions {
  /** The ffmpeg binary (default 'ffmpeg' on PATH). */
  ffmpegPath?: string;
  /** The ffprobe binary (default: beside ffmpegPath when that is a path, else 'ffprobe' on PATH). */
  ffprobePath?: string;
  /** Resample to this many frames per second (ffmpeg's fps filter); default: every frame of the file. */
  fps?: number;
}

export interface OpenVideoOptions extends FfmpegOptions {
  /** Folder sources: frames per second for timestamps (default 30). */
  folderFps?: number;
}

const GIF_EXT = new Set(['.gif']);
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp']);

/**
 * Opens a video for reading frame by frame: a folder (its images in natural name order), an animated GIF (sharp),
 * or anything else through ffmpeg (MP4, WebM, MOV, MKV, AVI, ...).
 */
export async function openVideo(path: string, options: OpenVideoOptions = {}): Promise<FrameSource> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`openVideo: path must be a non-empty string, got ${JSON.stringify(path)}`);
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(`video '${path}': ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (e as Error).message})`}`);
  }
  if (isDir) return folderFrames(path, options.folderFps === undefined ? {} : { fps: options.folderFps });
  if (GIF_EXT.has(extname(path).toLowerCase())) return gifFrames(path);
  return ffmpegFrames(path, options);
}

// ---- animated GIF ------------------------------------------------------------------------------------------------

/** Pages decoded per sharp call: bounds memory (8 frames) while not re-parsing the file for every frame. */
const GIF_CHUNK = 8;

/** The frames of an animated GIF (or a still image: one frame), with the GIF's own frame delays as timestamps. */
export async function gifFrames(path: string): Promise<FrameSource> {
  const sharp = await loadSharp(`video '${path}'`);
  let meta: import('sharp').Metadata;
  try {
    meta = await sharp(path).metadata();
  } catch (e) {
    throw decodeError(path, e);
  }
  const pages = meta.pages ?? 1;
  const width = meta.width!;
  const height = meta.pageHeight ?? meta.height!;
  if (width * height > MAX_IMAGE_PIXELS) throw new InvalidArgumentError(`video '${path}': ${width}x${height} frames are too large`);
  const delays = meta.delay ?? [];
  // Browsers play delays under 20 ms as 100 ms; keep the file's values but never 0.
  const delayOf = (i: number): number => Math.max(10, delays[i] ?? 100);
  const avg = delays.length ? delays.reduce((s, d) => s + Math.max(10, d), 0) / delays.length : 100;
  let closed = false;
  return {
    width,
    height,
    frameCount: pages,
    fps: 1000 / avg,
    close: async () => {
      closed = true;
    },
    async *[Symbol.asyncIterator]() {
      let t = 0;
      for (let first = 0; first < pages && !closed; first += GIF_CHUNK) {
        const n = Math.min(GIF_CHUNK, pages - first);
        let buf: Buffer;
        try {
          buf = await sharp(path, { page: first, pages: n, limitInputPixels: false }).ensureAlpha().raw().toBuffer();
        } catch (e) {
          throw decodeError(path, e);
        }
        const bytes = width * height * 4;
        if (buf.length !== bytes * n) throw new InvalidArgumentError(`video '${path}': pages ${first}..${first + n - 1} decoded to ${buf.length} bytes, expected ${bytes * n}`);
        for (let k = 0; k < n && !closed; k++) {
          // A copy per frame: the consumer may keep it while the chunk's buffer goes.
          const data = new Uint8Array(bytes);
          data.set(buf.subarray(k * bytes, (k + 1) * bytes));
          yield { image: { width, height, data }, timestamp: t, index: first + k };
          t += delayOf(first + k);
        }
      }
    },
  };
}

// ---- ffmpeg ------------------------------------------------------------------------------------------------------

interface Probe {
  width: number;
  height: number;
  fps?: number;
  frameCount?: number;
}

function ffprobeFor(o: FfmpegOptions): string {
  if (o.ffprobePath) return o.ffprobePath;
  const ff = o.ffmpegPath;
  if (ff && /[\\/]/.test(ff)) return join(dirname(ff), basename(ff).replace(/ffmpeg/i, 'ffprobe'));
  return 'ffprobe';
}

function notFound(bin: string, what: string): FfmpegNotFoundError {
  return new FfmpegNotFoundError(
    `${what} '${bin}' not found: decoding MP4 / WebM / MOV video needs the system ffmpeg (Debian / Ubuntu: apt-get install ffmpeg), or pass ffmpegPath (CLI: --ffmpeg)`,
  );
}

const rate = (s: unknown): number | undefined => {
  if (typeof s !== 'string') return undefined;
  const [n, d] = s.split('/').map(Number);
  const r = d ? n! / d : n!;
  return Number.isFinite(r) && r > 0 ? r : undefined;
};

/** Width, height, frame rate and frame count of the first video stream (ffprobe), display rotation applied. */
export function probeVideo(path: string, options: FfmpegOptions = {}): Promise<Probe> {
  const bin = ffprobeFor(options);
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-of', 'json', path];
  return new Promise((done, fail) => {
    execFile(bin, args, { maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES') return fail(notFound(bin, 'ffprobe (part of ffmpeg)'));
        return fail(new InvalidArgumentError(`video '${path}': ffprobe cannot read it (${firstLine(stderr) || err.message})`));
      }
      let s: Record<string, unknown> | undefined;
      try {
        s = (JSON.parse(stdout) as { streams?: Record<string, unknown>[] }).streams?.[0];
      } catch {
        // handled below
      }
      if (!s || !Number.isInteger(s.width) || !Number.isInteger(s.height)) return fail(new InvalidArgumentError(`video '${path}': no video stream`));
      let width = s.width as number;
      let height = s.height as number;
      const side = (s.side_data_list as { rotation?: number }[] | undefined)?.find((d) => typeof d.rotation === 'number');
      const rot = side?.rotation ?? Number((s.tags as Record<string, string> | undefined)?.rotate ?? 0);
      // ffmpeg applies the display rotation (autorotate) when decoding: quarter turns swap the sides.
      if (Math.abs(Math.round(rot / 90)) % 2 === 1) [width, height] = [height, width];
      const fps = rate(s.avg_frame_rate) ?? rate(s.r_frame_rate);
      const n = Number(s.nb_frames);
      const p: Probe = { width, height };
      if (fps !== undefined) p.fps = fps;
      if (Number.isInteger(n) && n > 0) p.frameCount = n;
      else if (fps !== undefined && Number(s.duration) > 0) p.frameCount = Math.round(Number(s.duration) * fps);
      done(p);
    });
  });
}

const firstLine = (s: string): string => s.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';

/**
 * Frames of a video file decoded by the system ffmpeg as raw RGBA. The pipe is read one frame at a time: while
 * the consumer works on a frame, the pipe fills and ffmpeg blocks, so memory holds about one frame plus the pipe
 * buffer whatever the video's length. Breaking out of the iteration or close() kills ffmpeg.
 */
export async function ffmpegFrames(path: string, options: FfmpegOptions = {}): Promise<FrameSource> {
  const where = `video '${path}'`;
  if (options.fps !== undefined && !(options.fps > 0 && Number.isFinite(options.fps))) throw new InvalidArgumentError(`${where}: fps must be a positive number, got ${options.fps}`);
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  // Check the decoder before probing so a missing ffmpeg is reported as such even where ffprobe exists elsewhere.
  await new Promise<void>((done, fail) => {
    execFile(ffmpeg, ['-version'], (err) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT' || code === 'EACCES') fail(notFound(ffmpeg, 'ffmpeg'));
      else if (err) fail(new FfmpegNotFoundError(`ffmpeg '${ffmpeg}' does not run (${err.message.split('\n')[0]})`));
      else done();
    });
  });
  const info = await probeVideo(resolve(path), options);
  const { width, height } = info;
  if (width * height > MAX_IMAGE_PIXELS) throw new InvalidArgumentError(`${where}: ${width}x${height} frames are too large`);
  const fps = options.fps ?? info.fps ?? 30;
  const frameBytes = width * height * 4;
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  let exited: Promise<number | null> | undefined;
  const stop = async (): Promise<void> => {
    const c = child;
    if (!c) return;
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await exited;
  };
  const source: FrameSource = {
    width,
    height,
    fps,
    ...(info.frameCount !== undefined && options.fps === undefined ? { frameCount: info.frameCount } : {}),
    close: stop,
    async *[Symbol.asyncIterator]() {
      const args = ['-v', 'error', '-nostdin', '-i', resolve(path), '-map', '0:v:0', '-an', '-sn'];
      if (options.fps !== undefined) args.push('-vf', `fps=${options.fps}`);
      args.push('-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1');
      const c = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let stderr = '';
      c.stderr.setEncoding('utf8');
      c.stderr.on('data', (s: string) => {
        stderr = (stderr + s).slice(-4000);
      });
      let spawnError: Error | undefined;
      exited = new Promise((done) => {
        c.on('error', (e) => {
          spawnError = e;
          done(null);
        });
        c.on('close', (code) => done(code));
      });
      let frame = new Uint8Array(frameBytes);
      let filled = 0;
      let index = 0;
      let finished = false;
      try {
        for await (const chunk of c.stdout as AsyncIterable<Buffer>) {
          let off = 0;
          while (off < chunk.length) {
            const n = Math.min(frameBytes - filled, chunk.length - off);
            frame.set(chunk.subarray(off, off + n), filled);
            filled += n;
            off += n;
            if (filled === frameBytes) {
              const image: RgbaImage = { width, height, data: frame };
              yield { image, timestamp: (index * 1000) / fps, index } satisfies SourceFrame;
              index++;
              frame = new Uint8Array(frameBytes);
              filled = 0;
            }
          }
        }
        const code = await exited;
        finished = true;
        if (spawnError) {
          const e = spawnError as NodeJS.ErrnoException;
          throw e.code === 'ENOENT' || e.code === 'EACCES' ? notFound(ffmpeg, 'ffmpeg') : new FfmpegNotFoundError(`ffmpeg '${ffmpeg}' failed to start (${e.message})`);
        }
        if (code !== 0) throw new InvalidArgumentError(`${where}: ffmpeg failed (exit ${code}): ${firstLine(stderr) || 'no message'}`);
        if (filled !== 0) throw new InvalidArgumentError(`${where}: the stream ended inside a frame (${filled} of ${frameBytes} bytes)`);
      } finally {
        if (!finished) await stop();
        child = undefined;
      }
    },
  };
  return source;
}

// ---- folder of frames --------------------------------------------------------------------------------------------

/** The images of a folder in natural name order (frame2 before frame10), decoded one ahead of use. */
export async function folderFrames(dir: string, options: { fps?: number } = {}): Promise<FrameSource> {
  const fps = options.fps ?? 30;
  if (!(fps > 0) || !Number.isFinite(fps)) throw new InvalidArgumentError(`folderFrames: fps must be a positive number, got ${options.fps}`);
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && IMAGE_EXT.has(extname(e.name).toLowerCase())).map((e) => e.name);
  } catch (e) {
    throw new InvalidArgumentError(`frame folder '${dir}': cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (names.length === 0) throw new InvalidArgumentError(`frame folder '${dir}': no images (${[...IMAGE_EXT].join(' ')})`);
  names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const files = names.map((n) => join(dir, n));
  let closed = false;
  return {
    frameCount: files.length,
    fps,
    close: async () => {
      closed = true;
    },
    async *[Symbol.asyncIterator]() {
      const load = (i: number): Promise<RgbaImage> => decodeImage(files[i]!);
      let next: Promise<RgbaImage> | undefined = load(0);
      for (let i = 0; i < files.length && !closed; i++) {
        const cur = next!;
        next = i + 1 < files.length ? load(i + 1) : undefined;
        // A failed prefetch must not surface as an unhandled rejection when the loop stops first.
        next?.catch(() => {});
        yield { image: await cur, timestamp: (i * 1000) / fps, index: i };
      }
    },
  };
}

// ---- helpers -----------------------------------------------------------------------------------------------------

type Sharp = (typeof import('sharp'))['default'];

async function loadSharp(where: string): Promise<Sharp> {
  try {
    return (await import('sharp')).default;
  } catch {
    throw new InvalidArgumentError(`${where}: decoding GIF frames in Node needs the 'sharp' package`);
  }
}

function decodeError(path: string, e: unknown): InvalidArgumentError {
  const msg = (e as Error).message ?? String(e);
  if (/ENOENT|no such file|missing/i.test(msg)) return new InvalidArgumentError(`video '${path}': file not found`);
  return new InvalidArgumentError(`video '${path}': cannot decode (${msg.split('\n')[0]})`);
}
