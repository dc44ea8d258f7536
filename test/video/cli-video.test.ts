// `facegpu video` (the built CLI, node dist/src/cli/main.js) end to end on elon-musk-smoke.gif: a gallery enrolled
// from the GIF's first frames (plus an LFW distractor) with `facegpu enroll`, then annotated PNG frames, an MP4 and
// the JSON timeline; exit codes and messages for bad inputs and a missing ffmpeg.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLOURS } from '../../src/cli/draw.js';

const root = resolve(__dirname, '../..');
const MAIN = join(root, 'dist/src/cli/main.js');
const DATA = resolve(root, '../shared/data');
const GIF = join(DATA, 'video/elon-musk-smoke.gif');
const MP4 = join(DATA, 'video/face-api-video.mp4');
const lfw = (name: string, i: number) => join(DATA, 'lfw-id40/images', name, `${name}_${String(i).padStart(4, '0')}.jpg`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [MAIN, ...args, '--backend', 'wasm'],
      { cwd: tmp, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

let tmp: string;
let gallery: string;

beforeAll(async () => {
  // Build the CLI when dist is missing or older than the sources.
  if (!existsSync(MAIN) || statSync(MAIN).mtimeMs < newest(join(root, 'src'))) {
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'pipe' });
    } catch (e) {
      // tsc emits even with type errors elsewhere in the tree; only a missing entry point is fatal.
      if (!existsSync(join(root, 'dist/src/cli/video-commands.js'))) throw e;
    }
  }
  tmp = mkdtempSync(join(tmpdir(), 'facegpu-cli-video-'));
  const firsts: string[] = [];
  for (let i = 0; i < 5; i++) {
    const p = join(tmp, `first-${i}.png`);
    await sharp(GIF, { page: i }).png().toFile(p);
    firsts.push(p);
  }
  gallery = join(tmp, 'people.gallery');
  const a = await cli(['enroll', gallery, 'elon', ...firsts]);
  expect(a.code, a.stderr).toBe(0);
  const b = await cli(['enroll', gallery, 'arnold', lfw('Arnold_Schwarzenegger', 1), lfw('Arnold_Schwarzenegger', 2)]);
  expect(b.code, b.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Timeline {
  frames: number;
  width: number;
  height: number;
  tracks: { id: number; identity: string | null; firstFrame: number; lastFrame: number }[];
  timeline: { index: number; tracks: { id: number; identity: string | null; detected: boolean; box: { x: number; y: number; width: number; height: number } }[] }[];
}

describe('facegpu video', () => {
  it('GIF -> annotated PNG folder + timeline: one track, elon, on every frame from its confirmation', async () => {
    const out = join(tmp, 'frames');
    const tl = join(tmp, 'timeline.json');
    const r = await cli(['video', GIF, '--gallery', gallery, '--out', out, '--timeline', tl, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Timeline;
    expect(summary.tracks.map((t) => [t.id, t.identity, t.firstFrame, t.lastFrame])).toEqual([[1, 'elon', 2, 34]]);
    const doc = JSON.parse(readFileSync(tl, 'utf8')) as Timeline;
    expect([doc.frames, doc.width, doc.height]).toEqual([35, 480, 272]);
    expect(doc.timeline.length).toBe(35);
    for (const f of doc.timeline) {
      expect(f.tracks.map((t) => [t.id, t.identity])).toEqual(f.index < 2 ? [] : [[1, 'elon']]);
    }
    const pngs = readdirSync(out).filter((n) => n.endsWith('.png')).sort();
    expect(pngs.length).toBe(35);
    expect(pngs[0]).toBe('frame-00000.png');
    expect(pngs[34]).toBe('frame-00034.png');
    // Frame 10: the box outline is drawn where the timeline says, over the original pixels elsewhere.
    const { data, info } = await sharp(join(out, 'frame-00010.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const orig = await sharp(GIF, { page: 10 }).ensureAlpha().raw().toBuffer();
    const box = doc.timeline[10]!.tracks[0]!.box;
    const px = (buf: Buffer, x: number, y: number) => [...buf.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 3)];
    const bottom = Math.round(box.y + box.height) - 1;
    const midX = Math.round(box.x + box.width / 2);
    expect(px(data, midX, bottom)).toEqual([...COLOURS.box.slice(0, 3)]);
    expect(px(data, Math.round(box.x) + 1, Math.round(box.y + box.height / 2))).toEqual([...COLOURS.box.slice(0, 3)]);
    expect(px(data, 5, 260)).toEqual(px(orig, 5, 260)); // far from the box: untouched
  });

  it('GIF -> annotated MP4 (ffmpeg): 35 frames of 480x272; no temp file left', async () => {
    const mp4 = join(tmp, 'annotated.mp4');
    const r = await cli(['video', GIF, '--gallery', gallery, '--out', mp4, '--detect-every', '2', '--aggregator', 'quality']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/35 frames 480x272, 1 track/);
    expect(r.stdout).toMatch(/track 1: elon/);
    const probe = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=width,height,nb_read_frames', '-of', 'csv=p=0', mp4], { encoding: 'utf8' });
    expect(probe.trim()).toBe('480,272,35');
    expect(readdirSync(tmp).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('MP4 input without a gallery: tracks only', async () => {
    const r = await cli(['video', MP4, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Timeline;
    expect([doc.frames, doc.width, doc.height]).toEqual([5, 820, 460]);
    for (const t of doc.tracks) expect(t.identity).toBeNull();
  });

  it('errors: missing video (3), missing gallery (3), unsupported --out (2), missing ffmpeg (1, named)', async () => {
    const a = await cli(['video', join(tmp, 'nope.mp4')]);
    expect([a.code, a.stderr]).toEqual([3, expect.stringMatching(/video '.*nope\.mp4': file not found/)]);
    const b = await cli(['video', GIF, '--gallery', join(tmp, 'none.gallery')]);
    expect([b.code, b.stderr]).toEqual([3, expect.stringMatching(/gallery '.*none\.gallery': file not found/)]);
    const c = await cli(['video', GIF, '--out', join(tmp, 'x.gif')]);
    expect([c.code, c.stderr]).toEqual([2, expect.stringMatching(/must end \.mp4, \.mov, \.mkv or \.webm/)]);
    const d = await cli(['video', MP4, '--ffmpeg', join(tmp, 'no', 'ffmpeg')]);
    expect([d.code, d.stderr]).toEqual([1, expect.stringMatching(/ffmpeg '.*no\/ffmpeg' not found.*apt-get install ffmpeg/)]);
    const e = await cli(['video', GIF, '--detect-every', '0']);
    expect([e.code, e.stderr]).toEqual([2, expect.stringMatching(/--detect-every must be an integer in \[1, 1000\]/)]);
    const h = await cli(['video', '--help']);
    expect(h.code).toBe(0);
    for (const o of ['--gallery', '--out', '--timeline', '--aggregator', '--detect-every', '--ffmpeg']) expect(h.stdout).toContain(o);
  });
});
