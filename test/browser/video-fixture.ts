// Node side of the browser video tests: the WebM clip they play, made from the shared GIF with the system ffmpeg
// (VP8, near-lossless, every GIF frame kept at 20 fps) into .cache/ (ignored by git, inside the test server's
// allowed folders). Made once and reused while newer than the GIF. Used as the browser config's globalSetup
// (it provides the path to the tests as inject('elonWebm')) and imported by test/e2e/demo.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const ELON_GIF = join(repoRoot, '../shared/data/video/elon-musk-smoke.gif');
export const ELON_WEBM = join(repoRoot, '.cache/browser-video/elon-musk-smoke.webm');
/** The GIF's geometry and timing (ffprobe: 35 frames, 480x272, 50 ms each). */
export const ELON_CLIP = { frames: 35, width: 480, height: 272, fps: 20 } as const;

/** Makes the WebM when missing or older than the GIF; returns its absolute path. */
export function ensureElonWebm(): string {
  if (existsSync(ELON_WEBM) && statSync(ELON_WEBM).mtimeMs >= statSync(ELON_GIF).mtimeMs) return ELON_WEBM;
  mkdirSync(dirname(ELON_WEBM), { recursive: true });
  const tmp = `${ELON_WEBM}.${process.pid}.tmp.webm`;
  try {
    // -crf 4 with a low qmax: mean abs error about 2 levels per channel against the GIF (adjacent GIF frames
    // differ by 7 or more), so a test can tell which GIF frame a decoded frame is.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', ELON_GIF, '-c:v', 'libvpx', '-crf', '4', '-b:v', '4M', '-qmin', '0', '-qmax', '12', '-auto-alt-ref', '0', '-pix_fmt', 'yuv420p', '-an', tmp], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    renameSync(tmp, ELON_WEBM);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    throw new Error(
      err.code === 'ENOENT' ? 'the browser video tests need ffmpeg on PATH (apt-get install ffmpeg) to make their WebM clip' : `ffmpeg could not make ${ELON_WEBM}: ${err.stderr?.toString() ?? err.message}`,
    );
  }
  return ELON_WEBM;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The WebM clip's path relative to the project root (for commands.readFile), or '' when it could not be made. */
    elonWebm: string;
    /** Why the clip could not be made ('' when it was). */
    elonWebmError: string;
  }
}

/**
 * globalSetup of vitest.browser.config.ts. A failure (no ffmpeg) is handed to the video tests, which report it,
 * instead of failing every browser test file.
 */
export default function setup(project: { provide(key: 'elonWebm' | 'elonWebmError', value: string): void }): void {
  try {
    project.provide('elonWebm', relative(repoRoot, ensureElonWebm()));
    project.provide('elonWebmError', '');
  } catch (e) {
    project.provide('elonWebm', '');
    project.provide('elonWebmError', e instanceof Error ? e.message : String(e));
  }
}
