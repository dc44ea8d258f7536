import { InvalidArgumentError } from '../runtime/errors.js';

/** Decoded pixels, RGBA 8-bit, row-major, no padding between rows. What every detector takes. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Largest side we accept: bigger images are almost always a mistake and would exhaust device memory. */
export const MAX_IMAGE_SIDE = 16384;
/** Largest pixel count (about 100 MP). */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** Checks an image's shape and buffer; typed errors name what is wrong. */
export function checkImage(img: unknown, where = 'image'): RgbaImage {
  if (!img || typeof img !== 'object') throw new InvalidArgumentError(`${where}: expected { width, height, data }, got ${String(img)}`);
  const { width, height, data } = img as RgbaImage;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new InvalidArgumentError(`${where}: width and height must be non-negative integers, got ${width}x${height}`);
  }
  if (width === 0 || height === 0) throw new InvalidArgumentError(`${where}: empty image (${width}x${height})`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new InvalidArgumentError(
      `${where}: ${width}x${height} is too large (max side ${MAX_IMAGE_SIDE}, max ${MAX_IMAGE_PIXELS / 1e6} MP); downscale it first`,
    );
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new InvalidArgumentError(`${where}: data must be a Uint8Array or Uint8ClampedArray of RGBA bytes`);
  }
  if (data.length !== width * height * 4) {
    throw new InvalidArgumentError(`${where}: ${width}x${height} RGBA needs ${width * height * 4} bytes, got ${data.length}`);
  }
  return { width, height, data };
}
