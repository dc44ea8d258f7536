// Whole image -> network input tensor, on the device: the RGBA bytes are uploaded once (packed u8), then
// normalizeImage (bytes -> f32 RGB), padding and a bilinear resize run as kernels. The geometry is face-api's
// NetInput.toBatchTensor for detectors (TinyYolov2): zero-pad to a square at the bottom / right (padToSquare, not
// centred), then resizeBilinear to size x size with tfjs' default mapping (alignCorners and halfPixelCenters false:
// ONNX 'asymmetric', source = dest * side / size).
//
// Padding the full-resolution image to a square would copy a big image again. Instead one zero row (column) is
// added below (right of) the image, the image is resized with the square's scale to just the rows (columns) that
// still touch it, and the small result is zero-padded to size x size. That is the same function: an output row
// whose source lies in the padding reads two zero rows, and the last one touching the image blends its last row
// with the first zero row, which the one-row pad provides.
//
// Browser images (ImageBitmap, ImageData, canvases, <img>, <video>, VideoFrame) on webgpu skip the bytes: they are
// copied to a texture by the browser (copyExternalImageToTexture) and one kernel (imageTexture) pads, resizes and
// normalises from it with the same arithmetic; attachTexture keeps that texture on the image for the face crops
// made later in the same call. On other backends their pixels are read through a 2-D canvas.
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { normalizeImage } from '../ops/normalize-image/index.js';
import { pad } from '../ops/pad/index.js';
import { resize } from '../ops/resize/index.js';
import { conv2d } from '../ops/conv2d/index.js';
import { imageTexture, type TextureImage } from '../ops/image-texture/index.js';
import type { WebGpuBackend } from '../runtime/backends/webgpu.js';
import { DeviceLostError, KernelError } from '../runtime/errors.js';
import { BrowserImage, checkImage, drawToCanvas, isBrowserImageSource, type BrowserImageSource, type RgbaImage } from './image.js';

export interface PreprocessOptions {
  /** Output side (square) or [height, width] (only with pad 'none'). */
  size: number | [number, number];
  /**
   * 'bottom-right' (default): zero-pad the shorter side at the bottom / right to a square first, keeping the aspect
   * ratio (face-api's detectors). 'none': stretch the image to `size`.
   */
  pad?: 'bottom-right' | 'none';
  /**
   * Per colour [r, g, b], in pixel units (0..255): the output is (v - mean) / std, computed after padding and
   * resizing as face-api does (padding is 0 before normalising). Default: raw 0..255 values (a network may fold the
   * normalisation into its first conv instead).
   */
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
}

/** How the image sits in the network input. */
export interface InputGeometry {
  /** Network input height and width. */
  height: number;
  width: number;
  /** Image pixels per input pixel along x and y (pad 'bottom-right': both max(w, h) / size). */
  scaleX: number;
  scaleY: number;
  /** The image's extent in input pixels, face-api's "reshaped input dimensions": round(w / scaleX), round(h / scaleY). */
  imageWidth: number;
  imageHeight: number;
}

/** Uploads an image's RGBA bytes once: a [1, h, w, 4] u8 tensor. */
export function imageTensor(engine: Engine, img: RgbaImage, where = 'image'): Tensor {
  const { width, height, data } = checkImage(img, where);
  return engine.tensor(data, [1, height, width, 4], 'u8');
}

function checkSize(where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 16384) {
    throw new InvalidArgumentError(`${where}: size must be an integer in [1, 16384], got ${String(v)}`);
  }
  return v;
}

function checkColour(where: string, name: string, v: unknown, nonZero: boolean): readonly [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!nonZero || x !== 0))) {
    throw new InvalidArgumentError(`${where}: ${name} must be [r, g, b] finite numbers${nonZero ? ' (non-zero)' : ''}, got ${JSON.stringify(v)}`);
  }
  return v as unknown as readonly [number, number, number];
}

/** Runs `fn(t)` and disposes `t` afterwards (an intermediate consumed by the next step). */
function then(t: Tensor, fn: (t: Tensor) => Tensor): Tensor {
  try {
    return fn(t);
  } finally {
    t.dispose();
  }
}

/**
 * An image (or an already uploaded [1, h, w, 4] u8 tensor, which the caller keeps) as a [1, H, W, 3] f32 network
 * input, with its geometry. Every step runs on the engine's device; intermediates are freed as they are consumed.
 */
export function preprocessImage(
  engine: Engine,
  image: RgbaImage | Tensor | BrowserImageSource,
  options: PreprocessOptions,
): { input: Tensor; geometry: InputGeometry } {
  const where = 'preprocessImage';
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${where}: options must be an object with size`);
  for (const k of Object.keys(options)) {
    if (!['size', 'pad', 'mean', 'std'].includes(k)) throw new InvalidArgumentError(`${where}: unknown option '${k}' (known: size, pad, mean, std)`);
  }
  const mode = options.pad ?? 'bottom-right';
  if (mode !== 'bottom-right' && mode !== 'none') throw new InvalidArgumentError(`${where}: pad must be 'bottom-right' or 'none', got ${JSON.stringify(mode)}`);
  let outH: number;
  let outW: number;
  if (Array.isArray(options.size)) {
    if (options.size.length !== 2) throw new InvalidArgumentError(`${where}: size must be a number or [height, width]`);
    outH = checkSize(where, options.size[0]);
    outW = checkSize(where, options.size[1]);
    if (mode !== 'none' && outH !== outW) throw new InvalidArgumentError(`${where}: pad 'bottom-right' makes a square input; size must be one number`);
  } else {
    outH = outW = checkSize(where, options.size);
  }
  const mean = options.mean === undefined ? undefined : checkColour(where, 'mean', options.mean, false);
  const std = options.std === undefined ? undefined : checkColour(where, 'std', options.std, true);

  if (isBrowserImageSource(image) || image instanceof BrowserImage) {
    const b = image instanceof BrowserImage ? image : new BrowserImage(image, where);
    try {
      if (engine.backendName === 'webgpu' && fitsTexture(engine.backend as WebGpuBackend, b)) return fromTexture(engine, b, outH, outW, mode, mean, std);
      return preprocessImage(engine, { width: b.width, height: b.height, data: b.data }, options); // canvas bytes (ImageData: its own)
    } finally {
      if (b !== image) b.close();
    }
  }
  const own = !(image !== null && typeof image === 'object' && 'shape' in image && 'dtype' in image);
  const rgba = own ? imageTensor(engine, image as RgbaImage, where) : (image as Tensor);
  if (!own && (rgba.rank !== 4 || rgba.shape[0] !== 1 || rgba.shape[3] !== 4 || rgba.dtype !== 'u8')) {
    throw new InvalidArgumentError(`${where}: an image tensor must be [1, h, w, 4] u8, got ${rgba} ${rgba.dtype}`);
  }
  const h = rgba.shape[1]!;
  const w = rgba.shape[2]!;
  if (h === 0 || w === 0) throw new InvalidArgumentError(`${where}: empty image (${w}x${h})`);

  let x: Tensor;
  try {
    // Without padding, the normalisation commutes with the (linear) resize: do it in the same pass as the bytes.
    const early = mode === 'none' && mean !== undefined;
    x = normalizeImage(engine, rgba, early ? { mean: [...mean], std: std ? [...std] : undefined } : undefined);
  } finally {
    if (own) rgba.dispose();
  }

  const geometry = inputGeometry(w, h, outH, outW, mode);
  if (mode === 'none') {
    if (h !== outH || w !== outW) x = then(x, (t) => resize(engine, t, { size: [outH, outW], mode: 'bilinear', coordinateTransform: 'asymmetric' }));
    if (mean === undefined && std !== undefined) x = then(x, (t) => channelAffine(engine, t, [0, 0, 0], std));
    return { input: x, geometry };
  }

  const n = outH;
  const side = Math.max(w, h);
  if (side === n) {
    if (h !== w) x = then(x, (t) => pad(engine, t, { paddings: [[0, 0], [0, n - h], [0, n - w], [0, 0]] }));
  } else if (h === w) {
    x = then(x, (t) => resize(engine, t, { size: [n, n], mode: 'bilinear', coordinateTransform: 'asymmetric' }));
  } else {
    // Rows (columns) of the n x n output whose source row o * side / n lies before the image's end.
    const oh = h < side ? Math.floor((h * n + side - 1) / side) : n;
    const ow = w < side ? Math.floor((w * n + side - 1) / side) : n;
    x = then(x, (t) => pad(engine, t, { paddings: [[0, 0], [0, h < side ? 1 : 0], [0, w < side ? 1 : 0], [0, 0]] }));
    x = then(x, (t) => resize(engine, t, { size: [oh, ow], scales: [n / side, n / side], mode: 'bilinear', coordinateTransform: 'asymmetric' }));
    if (oh < n || ow < n) x = then(x, (t) => pad(engine, t, { paddings: [[0, 0], [0, n - oh], [0, n - ow], [0, 0]] }));
  }
  if (mean !== undefined || std !== undefined) x = then(x, (t) => channelAffine(engine, t, mean ?? [0, 0, 0], std ?? [1, 1, 1]));
  return { input: x, geometry };
}

/** Where a w x h image lands in an outH x outW input. */
function inputGeometry(w: number, h: number, outH: number, outW: number, mode: 'bottom-right' | 'none'): InputGeometry {
  if (mode === 'none') return { height: outH, width: outW, scaleX: w / outW, scaleY: h / outH, imageWidth: outW, imageHeight: outH };
  const side = Math.max(w, h);
  const s = side / outH;
  // face-api's computeReshapedDimensions, same arithmetic: round(w * (size / max(w, h))).
  const k = outH / side;
  return { height: outH, width: outH, scaleX: s, scaleY: s, imageWidth: Math.round(w * k), imageHeight: Math.round(h * k) };
}

/** The device's texture size limit allows `b` (bigger images take the byte path). */
function fitsTexture(be: WebGpuBackend, b: BrowserImage): boolean {
  const max = be.device.limits.maxTextureDimension2D;
  return b.width <= max && b.height <= max;
}

/** Copies `b` into a new texture GPU-side (no JS bytes); the caller releases it. */
function uploadSource(be: WebGpuBackend, b: BrowserImage): GPUTexture {
  try {
    return be.uploadImage(b.source as GPUCopyExternalImageSource, b.width, b.height);
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    // Some browsers cannot import a video frame into WebGPU (Chromium without GPU compositing: "Failed to copy
    // content from video element"); a 2-D canvas holding the frame still copies GPU-side, without JS bytes.
    return be.uploadImage(drawToCanvas(b.source, b.width, b.height).canvas, b.width, b.height);
  }
}

/**
 * On webgpu, uploads `b` once to a texture held by `b` (until b.releaseTexture() or b.close()): the detector
 * input, face crops (faceTensor) and aligned chips (alignFaces) are then all made from it by the imageTexture
 * kernel, and no pixels reach JS. False (nothing attached) on other backends, for images over the texture limit,
 * or when the device is lost (the engine then moves to wasm, which reads the bytes).
 */
export function attachTexture(engine: Engine, b: BrowserImage): boolean {
  if (engine.backendName !== 'webgpu') return false;
  const be = engine.backend as WebGpuBackend;
  if (b.texture(be)) return true;
  if (!fitsTexture(be, b)) return false;
  let texture: GPUTexture;
  try {
    texture = uploadSource(be, b);
  } catch (e) {
    if (e instanceof DeviceLostError) return false;
    throw e;
  }
  let bytes: Uint8Array | Uint8ClampedArray | undefined;
  const image: TextureImage = { width: b.width, height: b.height, texture, pixels: () => (bytes ??= b.data) };
  b.attach({
    backend: be,
    image,
    release: () => {
      image.texture = null; // a recompute (device loss) re-uploads from the bytes
      be.releaseTexture(texture);
    },
  });
  return true;
}

/** `img`'s attached texture on this engine's device (attachTexture), or null: then crops read its bytes. */
export function attachedTexture(engine: Engine, img: RgbaImage): TextureImage | null {
  return img instanceof BrowserImage && engine.backendName === 'webgpu' ? img.texture(engine.backend) : null;
}

/**
 * The webgpu path for browser images: the browser copies the picture into a texture (no JS bytes), the imageTexture
 * kernel makes the input from it. A texture attached to `b` (attachTexture) is used and kept; otherwise one is made
 * and freed once that work is submitted. The bytes are read only if the op must run again on the CPU (device loss).
 */
function fromTexture(
  engine: Engine,
  b: BrowserImage,
  outH: number,
  outW: number,
  mode: 'bottom-right' | 'none',
  mean: readonly [number, number, number] | undefined,
  std: readonly [number, number, number] | undefined,
): { input: Tensor; geometry: InputGeometry } {
  const geometry = inputGeometry(b.width, b.height, outH, outW, mode);
  const attached = attachedTexture(engine, b);
  if (attached) return { input: imageTexture(engine, { image: attached, size: [outH, outW], pad: mode, mean, std }), geometry };
  const be = engine.backend as WebGpuBackend;
  let bytes: Uint8Array | Uint8ClampedArray | undefined;
  const img: TextureImage = { width: b.width, height: b.height, texture: null, pixels: () => (bytes ??= b.data) };
  try {
    img.texture = uploadSource(be, b);
  } catch (e) {
    if (!(e instanceof DeviceLostError)) throw e; // lost: the run below moves the engine to wasm, which reads bytes
  }
  try {
    return { input: imageTexture(engine, { image: img, size: [outH, outW], pad: mode, mean, std }), geometry };
  } finally {
    if (img.texture) be.releaseTexture(img.texture);
    img.texture = null;
  }
}

/** (x - mean) / std per channel of an NHWC RGB tensor: a 1x1 depthwise conv with bias (one pass). */
function channelAffine(engine: Engine, x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  const filter = engine.tensor(std.map((s) => 1 / s), [1, 1, 1, 3]);
  const bias = engine.tensor(mean.map((m, c) => -m / std[c]!), [3]);
  try {
    return conv2d(engine, x, filter, { groups: 3 }, { bias });
  } finally {
    filter.dispose();
    bias.dispose();
  }
}
