// CLI plumbing: exit codes, error classification, the progress bar, atomic file writes.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import cliProgress from 'cli-progress';
import { FaceGpuError, InvalidArgumentError, InvalidModelFileError, UnsupportedError } from '../runtime/errors.js';

/** Process exit codes (documented in `facegpu --help`). */
export const EXIT = {
  OK: 0,
  /** An unexpected failure (a bug, a lost device): the message says what. */
  FAILURE: 1,
  /** Bad command line: unknown command or option, missing argument, bad option value. */
  USAGE: 2,
  /** A bad input file: missing, unreadable, not an image, corrupt, empty or too large; or a bad gallery file. */
  INPUT: 3,
  /** Model weights missing or malformed. */
  MODEL: 4,
  /** An image that had to hold a face (enroll, verify) has none. */
  NO_FACE: 5,
} as const;

export const EXIT_HELP = `Exit codes:
  0  success
  1  unexpected failure
  2  usage error (unknown command or option, bad value)
  3  bad input file (missing, not an image, corrupt, empty, too large) or bad gallery file
  4  model weights missing or malformed
  5  no face found where one was needed (enroll, verify)`;

/** An error the CLI reports as one line with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code for an error thrown while processing. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof InvalidModelFileError) return EXIT.MODEL;
  if (e instanceof UnsupportedError) return /weights|@vladmandic\/face-api|modelPath/i.test(e.message) ? EXIT.MODEL : EXIT.FAILURE;
  if (e instanceof InvalidArgumentError) return /weights|manifest|modelPath|model file/i.test(e.message) ? EXIT.MODEL : EXIT.INPUT;
  if (e instanceof FaceGpuError) return EXIT.FAILURE;
  const code = (e as { code?: string })?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') return EXIT.INPUT;
  return EXIT.FAILURE;
}

/** A one-line message for an error (no stack: the CLI's users want what went wrong, not where in our code). */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0]!;
  return String(e);
}

/** Writes `data` to `path` atomically: a temp file beside it, fsync, rename over. A crash leaves the old file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface Progress {
  tick(label: string): void;
  /** Prints a line above the bar (or plainly when there is no bar). */
  log(line: string): void;
  stop(): void;
}

/**
 * A progress bar over `total` files on stderr, drawn only on a terminal (pipes and CI logs get no bar, so --json
 * output and logs stay clean) and only for more than one file.
 */
export function progress(what: string, total: number, enabled: boolean): Progress {
  const stream = process.stderr;
  if (!enabled || total < 2 || !stream.isTTY) {
    return { tick: () => {}, log: (l) => void stream.write(`${l}\n`), stop: () => {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${what} |{bar}| {value}/{total} files | {duration_formatted} elapsed, ETA {eta_formatted} | {file}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { file: '' });
  return {
    tick: (label) => bar.increment(1, { file: label }),
    log: (l) => {
      // Clear the bar's line, print, and let the next update redraw it.
      stream.write(`\r\x1b[K${l}\n`);
    },
    stop: () => bar.stop(),
  };
}
