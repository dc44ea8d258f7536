// Node-only gallery persistence: one file (FaceGallery.toBytes's format), written atomically. Never imported by
// the browser entry (browsers keep toBytes() / fromBytes() bytes in IndexedDB or wherever they like).
//
// saveGallery: the bytes go to a temp file in the same directory (so the rename cannot cross file systems),
// fsync'd, renamed over the target, then the directory is fsync'd so the rename itself survives a power cut. A
// process killed at any point leaves either the old file or the new one, complete; at worst a stray
// `.<name>.<pid>.<random>.tmp` next to it, which loading ignores and the next save of that file removes.
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, InvalidModelFileError } from '../runtime/errors.js';
import { FaceGallery, type GalleryOptions } from './gallery.js';

/** Bytes per write call: a big gallery goes out in pieces rather than one huge buffer copy in libuv. */
const CHUNK = 1 << 20;

const tmpPrefix = (file: string): string => `.${basename(file)}.`;

/** Writes `gallery` to `path` atomically (temp file + fsync + rename + directory fsync). */
export async function saveGallery(gallery: FaceGallery, path: string): Promise<void> {
  if (!(gallery instanceof FaceGallery)) throw new InvalidArgumentError('saveGallery: expected a FaceGallery');
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(`saveGallery: path must be a non-empty string, got ${JSON.stringify(path)}`);
  const file = resolve(path);
  const dir = dirname(file);
  const bytes = gallery.toBytes();
  await removeStaleTemps(file);
  const tmp = join(dir, `${tmpPrefix(file)}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fh;
  try {
    fh = await open(tmp, 'wx', 0o644);
  } catch (e) {
    throw new InvalidArgumentError(`saveGallery: cannot write in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    for (let o = 0; o < bytes.length; o += CHUNK) {
      const end = Math.min(o + CHUNK, bytes.length);
      let done = o;
      while (done < end) done += (await fh.write(bytes, done, end - done, done)).bytesWritten;
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, file);
  } catch (e) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw new InvalidArgumentError(`saveGallery: writing ${file} failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the previous file is unchanged`);
  }
  await syncDir(dir);
}

/** Makes the rename durable. Some platforms cannot open or fsync a directory (Windows): nothing to do there. */
async function syncDir(dir: string): Promise<void> {
  let dh;
  try {
    dh = await open(dir, 'r');
    await dh.sync();
  } catch {
    // EISDIR / EPERM / EINVAL where directories cannot be fsync'd: the rename is as durable as the platform allows.
  } finally {
    await dh?.close().catch(() => {});
  }
}

/** Removes temp files an earlier save of `file` left behind when its process died (not this process's live ones). */
async function removeStaleTemps(file: string): Promise<void> {
  const prefix = tmpPrefix(file);
  let entries: string[];
  try {
    entries = await readdir(dirname(file));
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.startsWith(prefix) || !e.endsWith('.tmp')) continue;
    const pid = Number(e.slice(prefix.length).split('.')[0]);
    if (pid === process.pid || (Number.isInteger(pid) && alive(pid))) continue;
    await unlink(join(dirname(file), e)).catch(() => {});
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads and checks a gallery file; InvalidModelFileError names the file and the problem. */
export async function loadGallery(path: string, options: Omit<GalleryOptions, 'metric' | 'matching' | 'dim'> = {}): Promise<FaceGallery> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(`loadGallery: path must be a non-empty string, got ${JSON.stringify(path)}`);
  const file = resolve(path);
  let bytes: Uint8Array;
  try {
    if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidModelFileError(`gallery ${file}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (e as Error).message})`}`);
  }
  return FaceGallery.fromBytes(bytes, options, `gallery ${file}`);
}
