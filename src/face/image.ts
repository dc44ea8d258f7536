import { InvalidArgumentError } from '../runtime/errors.js';
import type { Backend } from '../runtime/backend.js';
import type { TextureImage } from '../ops/image-texture/index.js';

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

/** Checks an image's width and height against the limits. */
function checkDims(where: string, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new InvalidArgumentError(`${where}: width and height must be non-negative integers, got ${width}x${height}`);
  }
  if (width === 0 || height === 0) throw new InvalidArgumentError(`${where}: empty image (${width}x${height})`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new InvalidArgumentError(
      `${where}: ${width}x${height} is too large (max side ${MAX_IMAGE_SIDE}, max ${MAX_IMAGE_PIXELS / 1e6} MP); downscale it first`,
    );
  }
}

/** Checks an image's shape and buffer; typed errors name what is wrong. */
export function checkImage(img: unknown, where = 'image'): RgbaImage {
  if (!img || typeof img !== 'object') throw new InvalidArgumentError(`${where}: expected { width, height, data }, got ${String(img)}`);
  if (img instanceof BrowserImage) return img; // its bytes stay unread until a CPU consumer asks for data
  const { width, height, data } = img as RgbaImage;
  checkDims(where, width, height);
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new InvalidArgumentError(`${where}: data must be a Uint8Array or Uint8ClampedArray of RGBA bytes`);
  }
  if (data.length !== width * height * 4) {
    throw new InvalidArgumentError(`${where}: ${width}x${height} RGBA needs ${width * height * 4} bytes, got ${data.length}`);
  }
  return { width, height, data };
}

/**
 * Browser image sources. On the webgpu backend they go straight to a GPU texture (copyExternalImageToTexture) and
 * are resized / padded / normalised there; elsewhere their pixels are read through a 2-D canvas.
 */
export type BrowserImageSource = ImageBitmap | ImageData | HTMLCanvasElement | OffscreenCanvas | HTMLImageElement | HTMLVideoElement | VideoFrame;

const has = (name: string): boolean => typeof (globalThis as Record<string, unknown>)[name] === 'function';
const is = (x: unknown, name: string): boolean => has(name) && x instanceof ((globalThis as Record<string, unknown>)[name] as new () => object);
const SOURCE_TYPES = ['ImageBitmap', 'ImageData', 'HTMLCanvasElement', 'OffscreenCanvas', 'HTMLImageElement', 'HTMLVideoElement', 'VideoFrame'];

/** Whether `x` is one of the browser image sources (false everywhere in Node). */
export function isBrowserImageSource(x: unknown): x is BrowserImageSource {
  return x !== null && typeof x === 'object' && SOURCE_TYPES.some((t) => is(x, t));
}

/** The pixel size of a browser image source; typed errors for images that are not ready. */
function sourceSize(src: BrowserImageSource, where: string): [number, number] {
  if (is(src, 'HTMLImageElement')) {
    const im = src as HTMLImageElement;
    if (!im.complete || im.naturalWidth === 0) throw new InvalidArgumentError(`${where}: the <img> has not loaded (await img.decode() first)`);
    return [im.naturalWidth, im.naturalHeight];
  }
  if (is(src, 'HTMLVideoElement')) {
    const v = src as HTMLVideoElement;
    if (v.readyState < 2) throw new InvalidArgumentError(`${where}: the <video> has no current frame yet (wait for 'loadeddata')`);
    return [v.videoWidth, v.videoHeight];
  }
  if (is(src, 'VideoFrame')) {
    const f = src as VideoFrame;
    if (f.format === null && f.codedWidth === 0) throw new InvalidArgumentError(`${where}: the VideoFrame is closed`);
    return [f.displayWidth, f.displayHeight];
  }
  const { width, height } = src as ImageBitmap;
  if (is(src, 'ImageBitmap') && width === 0 && height === 0) throw new InvalidArgumentError(`${where}: the ImageBitmap is closed or empty`);
  return [width, height];
}

/** A BrowserImage's picture on a webgpu device (attachTexture in preprocess.ts), with what frees it. */
export interface AttachedTexture {
  backend: Backend;
  image: TextureImage;
  release(): void;
}

/**
 * A browser image as an RgbaImage whose bytes are read (2-D canvas, getImageData) only when a CPU consumer asks
 * for `data`: on webgpu it is uploaded once to a texture (attachTexture) that detection, landmark and
 * recognition crops and alignment all read, so no pixels reach JS. A <video> is pinned to its current frame (a
 * VideoFrame this object owns: call close()), so GPU and CPU consumers see the same picture.
 */
export class BrowserImage implements RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly source: BrowserImageSource;
  private readonly owned: VideoFrame | null = null;
  private bytes: Uint8ClampedArray | Uint8Array | null = null;
  private gpu: AttachedTexture | null = null;

  constructor(source: BrowserImageSource, where = 'image') {
    if (!isBrowserImageSource(source)) throw new InvalidArgumentError(`${where}: not a browser image source`);
    const [width, height] = sourceSize(source, where);
    checkDims(where, width, height);
    if (is(source, 'HTMLVideoElement') && has('VideoFrame')) {
      try {
        this.owned = new VideoFrame(source as HTMLVideoElement);
      } catch (e) {
        throw new InvalidArgumentError(`${where}: the <video> has no decoded frame yet (play it, or wait for requestVideoFrameCallback): ${(e as Error).message}`);
      }
    }
    this.source = this.owned ?? source;
    this.width = width;
    this.height = height;
  }

  /** RGBA bytes (read once, on first use). */
  get data(): Uint8ClampedArray | Uint8Array {
    this.bytes ??= readPixels(this.source, this.width, this.height);
    return this.bytes;
  }

  /** The texture attached for `backend`, or null (none, released, or another device). */
  texture(backend: Backend): TextureImage | null {
    return this.gpu?.backend === backend && this.gpu.image.texture ? this.gpu.image : null;
  }

  /** @internal attachTexture's: holds `t` until releaseTexture() / close(). */
  attach(t: AttachedTexture): void {
    this.releaseTexture();
    this.gpu = t;
  }

  /** Frees the attached texture (work already recorded on it still runs); later crops read it from `source` again. */
  releaseTexture(): void {
    const g = this.gpu;
    this.gpu = null;
    g?.release();
  }

  /** Frees the attached texture and the frame pinned from a <video>; the caller's own source is left alone. */
  close(): void {
    this.releaseTexture();
    this.owned?.close();
  }
}

/** A browser image drawn into a new 2-D canvas of its size (`read`: one the CPU will read back from). */
export function drawToCanvas(src: BrowserImageSource, width: number, height: number, read = false): { canvas: OffscreenCanvas | HTMLCanvasElement; ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D } {
  let canvas: OffscreenCanvas | HTMLCanvasElement;
  if (has('OffscreenCanvas')) {
    canvas = new OffscreenCanvas(width, height);
  } else {
    canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d', { willReadFrequently: read }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) throw new InvalidArgumentError('image: no 2-D canvas context to draw the image with');
  if (is(src, 'ImageData')) ctx.putImageData(src as ImageData, 0, 0);
  else ctx.drawImage(src as CanvasImageSource, 0, 0, width, height);
  return { canvas, ctx };
}

/** A browser image's RGBA bytes through a 2-D canvas (the path without WebGPU). */
export function readPixels(src: BrowserImageSource, width: number, height: number): Uint8ClampedArray {
  if (is(src, 'ImageData')) return (src as ImageData).data;
  return drawToCanvas(src, width, height, true).ctx.getImageData(0, 0, width, height).data;
}
