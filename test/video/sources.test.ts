// Node frame sources (src/video/sources-node.ts) against independent decodes: the GIF page by page against
// sharp's all-pages decode, the MP4 against ffmpeg writing the same frame on its own, WebM, a folder in natural
// order; back-pressure (a paused consumer stalls ffmpeg instead of buffering the video), early exit kills the
// child, and a missing ffmpeg is a typed error that names it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegNotFoundError, ffmpegFrames, folderFrames, framesFrom, gifFrames, InvalidArgumentError, openVideo, UnsupportedError, type SourceFrame } from '../../src/index.node.js';

const root = resolve(__dirname, '../..');
const GIF = resolve(root, '../shared/data/video/elon-musk-smoke.gif');
const MP4 = resolve(root, '../shared/data/video/face-api-video.mp4');

let tmp: string;
let longMp4: string;
let webm: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'facegpu-video-src-'));
  // 1800 frames of 320x240: 553 MB as RGBA, so buffering it whole would show.
  longMp4 = join(tmp, 'long.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', longMp4]);
  webm = join(tmp, 'short.webm');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '1', '-c:v', 'libvpx', '-b:v', '200k', webm]);
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function collect(src: AsyncIterable<SourceFrame>): Promise<SourceFrame[]> {
  const out: SourceFrame[] = [];
  for await (const f of src) out.push(f);
  return out;
}

/** Raw RGBA of frame `n` of a video, decoded by ffmpeg on its own (select filter, one frame). */
function ffmpegFrame(path: string, n: number): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], { maxBuffer: 64 << 20 });
}

describe('gifFrames', () => {
  it('elon-musk-smoke.gif: 35 frames of 480x272 at the GIF delays, equal to sharp decoding all pages at once', async () => {
    const src = await gifFrames(GIF);
    expect([src.width, src.height, src.frameCount, src.fps]).toEqual([480, 272, 35, 20]);
    const frames = await collect(src);
    expect(frames.length).toBe(35);
    expect(frames.map((f) => f.index)).toEqual([...Array(35).keys()]);
    expect(frames.map((f) => f.timestamp)).toEqual([...Array(35).keys()].map((i) => i * 50));
    for (const f of frames) expect([f.image.width, f.image.height, f.image.data.length]).toEqual([480, 272, 480 * 272 * 4]);
    const all = await sharp(GIF, { pages: -1 }).ensureAlpha().raw().toBuffer();
    const bytes = 480 * 272 * 4;
    for (const i of [0, 7, 8, 20, 34]) expect(Buffer.from(frames[i]!.image.data).equals(all.subarray(i * bytes, (i + 1) * bytes)), `frame ${i}`).toBe(true);
    // The frames differ (it is a video, not one page repeated).
    expect(Buffer.from(frames[0]!.image.data).equals(Buffer.from(frames[34]!.image.data))).toBe(false);
  });

  it('openVideo picks it for .gif; a missing file is a typed error', async () => {
    const src = await openVideo(GIF);
    expect(src.frameCount).toBe(35);
    await src.close();
    await expect(openVideo(join(tmp, 'nope.gif'))).rejects.toThrow(/file not found/);
  });
});

describe('ffmpegFrames', () => {
  it('face-api-video.mp4: 5 frames of 820x460, equal to ffmpeg decoding each frame on its own', async () => {
    const src = await openVideo(MP4);
    expect([src.width, src.height, src.frameCount]).toEqual([820, 460, 5]);
    expect(src.fps).toBeCloseTo(24000 / 1001, 6);
    const frames = await collect(src);
    expect(frames.length).toBe(5);
    frames.forEach((f, i) => expect(f.timestamp).toBeCloseTo((i * 1000 * 1001) / 24000, 9));
    for (const f of frames) expect([f.image.width, f.image.height]).toEqual([820, 460]);
    for (const i of [0, 2, 4]) expect(Buffer.from(frames[i]!.image.data).equals(ffmpegFrame(MP4, i)), `frame ${i}`).toBe(true);
  });

  it('WebM (VP8) too', async () => {
    const frames = await collect(await ffmpegFrames(webm));
    expect(frames.length).toBe(10);
    expect([frames[0]!.image.width, frames[0]!.image.height]).toEqual([64, 48]);
    expect(Buffer.from(frames[3]!.image.data).equals(ffmpegFrame(webm, 3))).toBe(true);
  });

  it('back-pressure: a paused consumer stalls ffmpeg (memory stays at a few frames); breaking out kills it', async () => {
    const src = await ffmpegFrames(longMp4);
    expect(src.frameCount).toBe(1800);
    const frameBytes = 320 * 240 * 4;
    const before = process.memoryUsage().arrayBuffers;
    let n = 0;
    const pidsBefore = ffmpegPids(longMp4);
    expect(pidsBefore).toEqual([]);
    for await (const f of src) {
      expect(f.index).toBe(n);
      n++;
      if (n === 3) {
        // Pause: ffmpeg would decode all 1800 frames (553 MB) in about a second if nothing held it back.
        await new Promise((r) => setTimeout(r, 1500));
        const pids = ffmpegPids(longMp4);
        expect(pids.length).toBe(1); // still running: blocked on the full pipe
        const grown = process.memoryUsage().arrayBuffers - before;
        expect(grown).toBeLessThan(30 * frameBytes);
        break;
      }
    }
    // The loop's exit killed and reaped it.
    expect(ffmpegPids(longMp4)).toEqual([]);
    await src.close(); // idempotent
  });

  it('resamples with fps', async () => {
    const frames = await collect(await ffmpegFrames(webm, { fps: 5 }));
    expect(frames.length).toBe(5);
    expect(frames[1]!.timestamp).toBe(200);
  });

  it('a missing ffmpeg is an FfmpegNotFoundError (an UnsupportedError) naming ffmpeg and the fix', async () => {
    const bad = join(tmp, 'no-such-dir', 'ffmpeg');
    const err = await ffmpegFrames(MP4, { ffmpegPath: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegNotFoundError);
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as Error).message).toMatch(/ffmpeg '.*no-such-dir\/ffmpeg' not found.*apt-get install ffmpeg/);
    // And through openVideo with a missing ffprobe beside a working ffmpeg.
    const err2 = await openVideo(MP4, { ffprobePath: bad.replace('ffmpeg', 'ffprobe') }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(FfmpegNotFoundError);
    expect((err2 as Error).message).toMatch(/ffprobe \(part of ffmpeg\)/);
  });

  it('a file ffmpeg cannot read is an InvalidArgumentError', async () => {
    const junk = join(tmp, 'junk.mp4');
    writeFileSync(junk, 'not a video at all');
    await expect(ffmpegFrames(junk)).rejects.toThrow(InvalidArgumentError);
    await expect(ffmpegFrames(junk)).rejects.toThrow(/junk\.mp4/);
  });
});

describe('folderFrames', () => {
  it('reads images in natural order (f2 before f10), skipping other files', async () => {
    const dir = join(tmp, 'frames');
    execFileSync('mkdir', ['-p', dir]);
    for (let i = 1; i <= 12; i++) {
      const px = Buffer.alloc(8 * 6 * 4, i * 20);
      writeFileSync(join(dir, `f${i}.png`), await sharp(px, { raw: { width: 8, height: 6, channels: 4 } }).png().toBuffer());
    }
    writeFileSync(join(dir, 'notes.txt'), 'not a frame');
    const src = await openVideo(dir, { folderFps: 10 });
    expect(src.frameCount).toBe(12);
    const frames = await collect(src);
    expect(frames.map((f) => f.image.data[0])).toEqual([...Array(12).keys()].map((i) => (i + 1) * 20));
    expect(frames.map((f) => f.timestamp)).toEqual([...Array(12).keys()].map((i) => i * 100));
    await expect(folderFrames(join(tmp, 'missing-dir'))).rejects.toThrow(/cannot be read/);
  });
});

describe('framesFrom', () => {
  it('wraps images with index timestamps and checks them', async () => {
    const img = { width: 2, height: 2, data: new Uint8Array(16) };
    const frames = await collect(framesFrom([img, img, img], { fps: 4 }));
    expect(frames.map((f) => [f.index, f.timestamp])).toEqual([[0, 0], [1, 250], [2, 500]]);
    await expect(collect(framesFrom([{ width: 2, height: 2, data: new Uint8Array(3) }]))).rejects.toThrow(/frame 0: 2x2 RGBA needs 16 bytes/);
    expect(() => framesFrom(42 as never)).toThrow(InvalidArgumentError);
  });
});

/** Pids of running ffmpeg processes reading `file` (children of this process). */
function ffmpegPids(file: string): number[] {
  const ps = spawnSync('ps', ['-o', 'pid=,stat=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).stdout;
  return ps
    .split('\n')
    .filter((l) => l.includes('ffmpeg') && l.includes(file) && !/\bZ/.test(l.trim().split(/\s+/)[1] ?? ''))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
