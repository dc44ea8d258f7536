// Node-only image decoding (JPEG, PNG, GIF, WebP, ...) through sharp (libvips): fast, well kept, and the usual
// choice in Node. Never imported by the browser entry.
import { InvalidArgumentError } from '../runtime/errors.js';
import { checkImage, MAX_IMAGE_PIXELS, type RgbaImage } from './image.js';

/** Decodes an image file path or encoded bytes to RGBA. EXIF orientation is applied. */
export async function decodeImage(input: string | Uint8Array, options: { frame?: number } = {}): Promise<RgbaImage> {
  const where = typeof input === 'string' ? `image '${input}'` : 'image buffer';
  let sharp: typeof import('sharp');
  try {
    sharp = (await import('sharp')).default as unknown as typeof import('sharp');
  } catch {
    throw new InvalidArgumentError(`${where}: image decoding in Node needs the 'sharp' package`);
  }
  try {
    const img = (sharp as unknown as (i: string | Uint8Array, o: object) => import('sharp').Sharp)(input, {
      limitInputPixels: MAX_IMAGE_PIXELS,
      page: options.frame ?? 0,
      failOn: 'error',
    });
    const { data, info } = await img.rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return checkImage({ width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, where);
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw e;
    const msg = (e as Error).message ?? String(e);
    if (/ENOENT|no such file|missing/i.test(msg)) throw new InvalidArgumentError(`${where}: file not found`);
    if (/pixel limit/i.test(msg)) throw new InvalidArgumentError(`${where}: too large (over ${MAX_IMAGE_PIXELS / 1e6} MP)`);
    // libvips's error buffer can come back empty ("Unknown error") when decodes run concurrently.
    const first = msg.split('\n')[0]!;
    const why = /^unknown error$/i.test(first.trim()) ? 'corrupt or truncated image data' : first;
    throw new InvalidArgumentError(`${where}: cannot decode (${why})`);
  }
}
