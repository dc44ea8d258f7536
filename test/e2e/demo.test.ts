// The demo page end to end: the Vite dev server of `npm run demo` on an ephemeral 127.0.0.1 port, Debian's
// Chromium (never a downloaded browser) driven by playwright-core. The page analyses a group photo and must draw
// the boxes the library computes for it in Node (wasm), on WASM and on WebGPU (SwiftShader); two people are
// enrolled from photos, identified in another photo, kept in IndexedDB across a reload, and removed. The
// screenshot is left in reports/e2e/demo.png.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceRecognizer, type DetectOptions, type FaceBox, type FaceRecognizer, type RgbaImage } from '../../src/index.node.js';
import { chromiumArgs } from '../../vitest.browser.config.js';
import { ELON_CLIP, ensureElonWebm } from '../browser/video-fixture.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const images = join(repoRoot, '../shared/data/face-api-js/examples-images');
const groupPhoto = join(images, 'bbt1.jpg');
/** Leonard (left) and Sheldon (right) at a table, and a man at the left edge behind them. */
const probePhoto = join(images, 'bbt2.jpg');
const enrolFrom = (who: string): string[] => [1, 2, 3].map((i) => join(images, who, `${who}${i}.png`));
const screenshotPath = join(repoRoot, 'reports/e2e/demo.png');
const videoScreenshotPath = join(repoRoot, 'reports/e2e/demo-video.png');
/** The page's default detector settings (demo/pipeline.ts DEFAULT_SETTINGS), checked against its controls below. */
const DETECT: DetectOptions = { detector: 'tiny', inputSize: 512, scoreThreshold: 0.5 };
/** The settings the video test picks on the page. */
const VIDEO_DETECT: DetectOptions = { ...DETECT, inputSize: 416 };

interface PageFace {
  box: FaceBox;
  score: number;
  name: string;
  landmarks: number;
}

function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const inter = Math.max(0, w) * Math.max(0, h);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Pairs each expected box with its best page box (one to one); returns [expected index, page index, IoU]. */
function matchBoxes(expected: readonly FaceBox[], got: readonly FaceBox[]): [number, number, number][] {
  const free = new Set(got.map((_, i) => i));
  return expected.map((e, i) => {
    let best = -1;
    let bestIou = -1;
    for (const j of free) {
      const v = iou(e, got[j]!);
      if (v > bestIou) [best, bestIou] = [j, v];
    }
    free.delete(best);
    return [i, best, bestIou];
  });
}

let server: ViteDevServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let url: string;
let cacheDir: string;
let fr: FaceRecognizer;
const problems: string[] = [];

async function readFaces(): Promise<PageFace[]> {
  return page.$$eval('#faces li', (lis) =>
    lis.map((li) => {
      const d = (li as HTMLElement).dataset;
      return {
        box: { x: Number(d.x), y: Number(d.y), width: Number(d.width), height: Number(d.height) },
        score: Number(d.score),
        name: d.name ?? '',
        landmarks: Number(d.landmarks),
      };
    }),
  );
}

/** Does `action`, then waits until the page finished one more analysis (its run counter moves on). */
async function nextAnalysis(action: () => Promise<unknown>, timeout = 60_000): Promise<void> {
  const before = Number(await page.getAttribute('#results', 'data-run'));
  await action();
  await page.waitForFunction(
    (n) => {
      const r = document.getElementById('results')!;
      return Number(r.dataset.run) > n && r.dataset.state !== 'busy';
    },
    before,
    { timeout },
  );
  expect(await page.getAttribute('#results', 'data-state'), (await page.textContent('#status')) ?? '').toBe('done');
}

async function openPage(query: string): Promise<void> {
  await page.goto(`${url}${query}`, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  expect(await page.getAttribute('body', 'data-ready'), (await page.textContent('#status')) ?? '').toBe('true');
}

// expect.poll gives up after 1 s by default: too short for a page that is busy analysing on a loaded machine.
const POLL = { timeout: 20_000 };

/** Enrols `name` through the form and waits until the gallery lists them. */
async function enrol(name: string, files: string[]): Promise<void> {
  await page.fill('#enrol-name', name);
  await page.setInputFiles('#enrol-files', files);
  await page.click('#enrol-submit');
  await page.waitForSelector(`#people li[data-name="${name}"]`, { timeout: 60_000 });
  await expect.poll(() => page.textContent('#status'), POLL).toMatch(new RegExp(`^Enrolled ${name}: ${files.length} photos`));
}

/** The page's pipeline in Node: descriptors of a photo's largest face, or of the whole photo when none is found. */
async function enrolDescriptors(files: string[], detect: DetectOptions = DETECT): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const f of files) {
    const img: RgbaImage = await fr.image(f);
    const faces = await fr.detect(img, detect);
    const box = faces.length
      ? faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a)).box
      : { x: 0, y: 0, width: img.width, height: img.height };
    out.push(await fr.embed(img, box, { align: true }));
  }
  return out;
}

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'src/generated/wasm.ts'))) throw new Error('run `npm run build:wasm && npm run build:embed` first');
  cacheDir = mkdtempSync(join(tmpdir(), 'facegpu-demo-vite-'));
  const { createServer } = await import('vite');
  // No HMR and no file watching: others editing src/ must not reload the page under the test.
  server = await createServer({
    configFile: join(repoRoot, 'demo/vite.config.ts'),
    cacheDir,
    logLevel: 'warn',
    server: { port: 0, strictPort: true, hmr: false, watch: null },
  });
  await server.listen();
  url = server.resolvedUrls!.local[0]!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs, timeout: 30_000 });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  fr = await createFaceRecognizer({ backend: 'wasm', log: null });
}, 90_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  fr?.dispose();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

describe('demo page (Chromium)', () => {
  it('serves an accessible page that is cross-origin isolated (wasm threads)', async () => {
    await openPage('?backend=wasm');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.textContent('#engine-info')).toMatch(/^wasm \(.*2 threads\)$/);
    // Every control has a real <label>, the status is announced, and keyboard focus reaches the controls.
    const unlabelled = await page.$$eval('input, select', (els) => els.filter((e) => (e as HTMLInputElement).labels?.length === 0).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    expect(await page.getAttribute('#status', 'aria-live')).toBe('polite');
    expect(await page.inputValue('#detector')).toBe(DETECT.detector);
    expect(Number(await page.inputValue('#input-size'))).toBe(DETECT.inputSize);
    expect(Number(await page.inputValue('#score-threshold'))).toBe(DETECT.scoreThreshold);
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('backend');
  }, 60_000);

  it('says so when the camera cannot be used, and stays usable', async () => {
    await page.click('#camera-start');
    // Headless Chromium has no camera: getUserMedia fails (denied or not found), and the page explains it.
    await page.waitForSelector('#status[data-kind="error"]', { timeout: 15_000 });
    expect(await page.textContent('#status')).toMatch(/^(Camera access was denied|No camera was found|The camera)/);
    expect(await page.isEnabled('#camera-start')).toBe(true);
    expect(await page.isDisabled('#camera-stop')).toBe(true);
  }, 30_000);

  it("draws the library's boxes for the group photo (WASM, then WebGPU)", async () => {
    const expected = await fr.detect(groupPhoto, DETECT);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    await nextAnalysis(() => page.setInputFiles('#image-input', groupPhoto));
    for (const backend of ['wasm', 'webgpu']) {
      if (backend === 'webgpu') {
        // Switching the backend re-analyses the photo on show (WebGPU on SwiftShader: slow, CPU-emulated).
        await nextAnalysis(() => page.selectOption('#backend', 'webgpu'), 90_000);
        expect(await page.textContent('#engine-info')).toMatch(/^webgpu/);
      }
      const faces = await readFaces();
      expect(faces.length, backend).toBe(expected.length);
      for (const [i, j, v] of matchBoxes(expected.map((f) => f.box), faces.map((f) => f.box))) {
        expect(v, `${backend}: face ${i} ${JSON.stringify(expected[i]!.box)} vs ${JSON.stringify(faces[j]?.box)}`).toBeGreaterThanOrEqual(0.95);
        expect(Math.abs(faces[j]!.score - expected[i]!.score), `${backend}: score of face ${i}`).toBeLessThan(0.02);
      }
      expect(faces.every((f) => f.landmarks === 68)).toBe(true);
      // The boxes are drawn: the overlay has paint on each box's bottom edge.
      const painted = await page.evaluate(
        (boxes) => {
          const ctx = (document.getElementById('overlay') as HTMLCanvasElement).getContext('2d')!;
          return boxes.map((b) => ctx.getImageData(Math.round(b.x + b.width / 2), Math.round(b.y + b.height), 1, 1).data[3]!);
        },
        faces.map((f) => f.box),
      );
      expect(painted.every((a) => a > 0), `overlay alpha ${painted}`).toBe(true);
      // Timings per stage are shown (no gallery yet: nothing to identify).
      const times = await page.$$eval('#timings tbody tr', (rows) => Object.fromEntries(rows.map((r) => [(r as HTMLTableRowElement).dataset.stage, (r as HTMLTableRowElement).cells[1]!.textContent])));
      for (const stage of ['detect', 'landmarks', 'embed', 'total']) expect(Number(times[stage]), `${backend} ${stage} ms`).toBeGreaterThan(0);
      expect(times.identify).toBe('–');
    }
    await nextAnalysis(() => page.selectOption('#backend', 'wasm'));
    expect(await page.textContent('#engine-info')).toMatch(/^wasm/);
  }, 150_000);

  it('enrols two people from photos and identifies them in another photo', async () => {
    await enrol('Leonard', enrolFrom('leonard'));
    await enrol('Sheldon', enrolFrom('sheldon'));
    expect(await page.$$eval('#people li', (lis) => lis.map((li) => (li as HTMLElement).dataset.name))).toEqual(['Leonard', 'Sheldon']);
    expect(await page.$$eval('#people img', (imgs) => imgs.map((i) => (i as HTMLImageElement).alt))).toEqual([
      'Face of Leonard from an enrolment photo',
      'Face of Sheldon from an enrolment photo',
    ]);

    await nextAnalysis(() => page.setInputFiles('#image-input', probePhoto));
    const faces = await readFaces();
    // The truth: Leonard on the left, Sheldon on the right, the man behind them at the left edge unknown.
    const leonard = faces.filter((f) => f.name === 'Leonard');
    const sheldon = faces.filter((f) => f.name === 'Sheldon');
    expect(leonard.length, JSON.stringify(faces)).toBe(1);
    expect(sheldon.length, JSON.stringify(faces)).toBe(1);
    expect(leonard[0]!.box.x).toBeLessThan(sheldon[0]!.box.x);
    expect(faces.filter((f) => f.name === '').length).toBe(faces.length - 2);

    // The same answers from the library in Node, enrolled and identified the page's way.
    const g = fr.gallery();
    g.add('Leonard', await enrolDescriptors(enrolFrom('leonard')));
    g.add('Sheldon', await enrolDescriptors(enrolFrom('sheldon')));
    const expected = await g.identifyFaces(probePhoto, { detect: { ...DETECT, withLandmarks: true } });
    expect(faces.length).toBe(expected.length);
    for (const [i, j, v] of matchBoxes(expected.map((f) => f.box), faces.map((f) => f.box))) {
      expect(v).toBeGreaterThanOrEqual(0.95);
      expect(faces[j]!.name, `face ${i}`).toBe(expected[i]!.result.unknown ? '' : expected[i]!.result.matches[0]!.name);
    }
    const times = await page.$$eval('#timings tbody tr', (rows) => rows.map((r) => (r as HTMLTableRowElement).cells[1]!.textContent));
    expect(times.every((t) => Number(t) > 0 || t === '0.0'), times.join()).toBe(true);

    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
  }, 90_000);

  it('keeps the gallery in IndexedDB across a reload, identifies with MTCNN, and removes a person', async () => {
    await openPage('?backend=wasm&detector=mtcnn');
    expect(await page.$$eval('#people li', (lis) => lis.map((li) => (li as HTMLElement).dataset.name))).toEqual(['Leonard', 'Sheldon']);
    // Their other photos are tight face crops: MTCNN finds the faces there.
    for (const [who, file] of [
      ['Leonard', join(images, 'leonard/leonard4.png')],
      ['Sheldon', join(images, 'sheldon/sheldon4.png')],
    ] as const) {
      await nextAnalysis(() => page.setInputFiles('#image-input', file));
      const faces = await readFaces();
      expect(faces.map((f) => f.name)).toEqual([who]);
    }
    await page.click('button[aria-label="Remove Sheldon"]');
    await page.waitForFunction(() => document.querySelectorAll('#people li').length === 1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Remove Leonard');
    await openPage('?backend=wasm');
    expect(await page.$$eval('#people li', (lis) => lis.map((li) => (li as HTMLElement).dataset.name))).toEqual(['Leonard']);
    expect(problems.filter((p) => !/camera|getUserMedia/i.test(p))).toEqual([]);
  }, 90_000);

  it('tracks the face in a WebM: the drawn track IDs and names are the library events; one track, named elon', async () => {
    // The clip (elon-musk-smoke.gif as VP8, made by ffmpeg) and its first 5 frames as PNGs to enrol from.
    const webm = ensureElonWebm();
    const dir = mkdtempSync(join(tmpdir(), 'facegpu-demo-video-'));
    const firstFrames = [1, 2, 3, 4, 5].map((i) => join(dir, `elon${i}.png`));
    try {
      execFileSync('ffmpeg', ['-v', 'error', '-i', webm, '-frames:v', '5', join(dir, 'elon%d.png')]);
      // TinyFaceDetector at 512 misses this face in the first 15 frames (smoke); at 416 it finds it in every frame.
      await page.selectOption('#input-size', String(VIDEO_DETECT.inputSize));
      await enrol('elon', firstFrames);
      expect(await page.textContent('#status')).toBe('Enrolled elon: 5 photos.'); // a face found in each
      await trackInVideo(webm, firstFrames);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

/** The rest of the video test: the page plays `webm`, then the library in Node checks its answer. */
async function trackInVideo(webm: string, firstFrames: string[]): Promise<void> {
  // No camera in headless Chromium: the panel says so and stays usable.
  await page.click('#video-camera-start');
  await page.waitForSelector('#status[data-kind="error"]', { timeout: 15_000 });
  expect(await page.textContent('#status')).toMatch(/^(Camera access was denied|No camera was found|The camera)/);
  expect(await page.isEnabled('#video-camera-start')).toBe(true);
  expect(await page.getAttribute('#video-section', 'data-state')).toBe('idle');
  // Every control of the panel is reachable by keyboard, in order, and labelled (the first test checks labels).
  await page.focus('#video-input');
  for (const id of ['video-camera-start', 'video-rate', 'video-detect-every', 'video-aggregator']) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(id);
  }
  await page.selectOption('#video-rate', '0.125');
  await page.setInputFiles('#video-input', webm);
  await page.waitForFunction(() => ['ended', 'error'].includes(document.getElementById('video-section')!.dataset.state!), null, { timeout: 150_000 });
  expect(await page.getAttribute('#video-section', 'data-state'), (await page.textContent('#status')) ?? '').toBe('ended');

  type Ev = { type: string; trackId: number; frame: number; identity: string | null; box: FaceBox; lastFrame?: number };
  type Drawn = { frame: number; tags: { trackId: number; name: string | null; box: FaceBox; text: string }[] };
  const { events, drawn } = await page.evaluate(() => (window as unknown as { facegpuVideo: { events: Ev[]; drawn: Drawn[] } }).facegpuVideo);
  const frames = Number(await page.getAttribute('#video-section', 'data-frames'));
  console.log(`demo video: ${frames} of ${ELON_CLIP.frames} frames analysed; drawn ${drawn.map((d) => `${d.frame}:${d.tags.map((t) => t.text).join('+')}`).join(' ')}`);
  expect(drawn.length).toBe(frames);
  expect(frames).toBeGreaterThanOrEqual(8);
  // What is drawn on each frame is exactly that frame's track-update events: same ids, names and boxes.
  for (const d of drawn) {
    const updates = events.filter((e) => e.type === 'track-update' && e.frame === d.frame);
    expect(d.tags.map((t) => [t.trackId, t.name, t.box, t.text]), `frame ${d.frame}`).toEqual(updates.map((u) => [u.trackId, u.identity, u.box, `#${u.trackId} ${u.identity ?? 'unknown'}`]));
  }
  // One track, confirmed at its third detection, elon from then on (Leonard is in the gallery too), ended at the end.
  expect(events.filter((e) => e.type === 'track-start').map((e) => [e.trackId, e.frame])).toEqual([[1, 2]]);
  expect(events.filter((e) => e.type === 'track-lost' || e.type === 'track-resume')).toEqual([]);
  expect(drawn.slice(2).map((d) => d.tags.map((t) => t.text).join())).toEqual(drawn.slice(2).map(() => '#1 elon'));
  expect(events.filter((e) => e.type === 'track-end').map((e) => [e.trackId, e.identity, e.lastFrame])).toEqual([[1, 'elon', frames - 1]]);
  expect(await page.$$eval('#video-tracks li', (lis) => lis.map((li) => ({ ...(li as HTMLElement).dataset })))).toEqual([{ trackId: '1', name: 'elon', state: 'ended' }]);
  expect(await page.textContent('#video-caption')).toMatch(/frame \d+ at [\d.]+ s, #1 elon\.$/);
  // The last frame's box is painted on the overlay (its bottom edge), and the stages were timed.
  const box = drawn.at(-1)!.tags[0]!.box;
  const alpha = await page.evaluate((b) => {
    const ctx = (document.getElementById('video-overlay') as HTMLCanvasElement).getContext('2d')!;
    return ctx.getImageData(Math.round(b.x + b.width / 2), Math.round(b.y + b.height), 1, 1).data[3]!;
  }, box);
  expect(alpha).toBeGreaterThan(0);
  const times = await page.$$eval('#video-timings tbody tr', (rows) => Object.fromEntries(rows.map((r) => [(r as HTMLTableRowElement).dataset.stage, (r as HTMLTableRowElement).cells[2]!.textContent])));
  for (const stage of ['detect', 'embed', 'track', 'total']) expect(Number(times[stage]), `mean ${stage} ms`).toBeGreaterThan(0);
  expect(times.draw).toMatch(/^\d+(\.\d)?$/);
  expect(await page.textContent('#status')).toBe(`Done: ${frames} frames analysed, 1 track: #1 elon.`);

  // The library in Node on the same clip, enrolled the page's way: the same single track and name.
  const g = fr.gallery();
  g.add('Leonard', await enrolDescriptors(enrolFrom('leonard')));
  g.add('elon', await enrolDescriptors(firstFrames, VIDEO_DETECT));
  const vr = fr.video({ gallery: g, detect: { ...VIDEO_DETECT, withLandmarks: true } });
  const ends: string[] = [];
  for await (const r of vr.recognizeVideo(webm)) for (const e of r.events) if (e.type === 'track-end') ends.push(`#${e.trackId} ${e.identity}`);
  vr.dispose();
  g.dispose();
  expect(ends).toEqual(['#1 elon']);

  mkdirSync(dirname(videoScreenshotPath), { recursive: true });
  await page.locator('#video-section').screenshot({ path: videoScreenshotPath });

  // The playback buttons by keyboard: Play replays from the start, Pause holds it, Stop ends the run.
  const state = () => page.getAttribute('#video-section', 'data-state');
  await page.focus('#video-play');
  await page.keyboard.press('Enter');
  await expect.poll(state, POLL).toBe('playing');
  await page.waitForFunction(() => Number(document.getElementById('video-section')!.dataset.frames) >= 1, null, { timeout: 30_000 });
  expect(await page.textContent('#video-play')).toBe('Pause');
  await page.keyboard.press('Space');
  await expect.poll(state, POLL).toBe('paused');
  expect(await page.textContent('#video-play')).toBe('Play');
  expect(await page.evaluate(() => (document.getElementById('video-player') as HTMLVideoElement).paused)).toBe(true);
  await page.focus('#video-stop');
  await page.keyboard.press('Enter');
  await expect.poll(state, POLL).toBe('stopped');
  expect(await page.textContent('#status')).toMatch(/^Stopped: \d+ frames analysed/);
  expect(await page.isDisabled('#video-stop')).toBe(true);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('video-play');
  // Stopping ends the tracks still open: every started track has its track-end.
  const again = await page.evaluate(() => (window as unknown as { facegpuVideo: { events: { type: string; trackId: number }[] } }).facegpuVideo.events);
  const started = again.filter((e) => e.type === 'track-start').map((e) => e.trackId);
  expect(again.filter((e) => e.type === 'track-end').map((e) => e.trackId)).toEqual(started);
  expect(problems.filter((p) => !/camera|getUserMedia/i.test(p))).toEqual([]);
}
