import { fail } from '../../runtime/errors.js';
import type { Shape } from '../../runtime/shape.js';
import { axisMap, type AxisMap } from '../resize/spec.js';

/** An image for imageTexture: its GPU texture while it lives, and its bytes for CPU kernels (read on demand). */
export interface TextureImage {
  width: number;
  height: number;
  /** The rgba8unorm texture (WebGpuBackend.uploadImage), or null once freed / where there is none. */
  texture: GPUTexture | null;
  /** RGBA bytes, row-major: for the wasm / reference kernels (device-loss fallback) and a texture-less webgpu run. */
  pixels(): Uint8Array | Uint8ClampedArray;
}

export interface ImageTextureAttrs {
  image: TextureImage;
  /** Output [height, width]; a square with pad 'bottom-right'. */
  size: [number, number];
  /** 'bottom-right': zero-pad to a square at the bottom / right, then resize (face-api's detectors). 'none': stretch. */
  pad: 'bottom-right' | 'none';
  /** Per colour, in pixel units (0..255): out = (v - mean) / std. Default raw values. */
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
}

export interface ImageTextureNorm {
  image: TextureImage;
  imgH: number;
  imgW: number;
  outH: number;
  outW: number;
  /** Source extent the taps clamp to: the padded square's side, or the image's size. */
  lenY: number;
  lenX: number;
  y: AxisMap;
  x: AxisMap;
  /** 1 / std and -mean / std per channel, f32. */
  k: [number, number, number];
  b: [number, number, number];
}

/**
 * The geometry of preprocessImage's buffer path as one source transform: with padding, the image sits in a
 * virtual side x side square (side = max(w, h)) resized to n x n by the same axis map the resize op would use.
 */
export function prepareImageTexture(inShapes: readonly (Shape | undefined)[], attrs: ImageTextureAttrs): { attrs: ImageTextureNorm; outShapes: Shape[] } {
  const op = 'imageTexture';
  if (inShapes.length !== 0) fail(op, 'takes no tensor inputs');
  const { image, size, pad } = attrs;
  const { width: w, height: h } = image;
  if (!(w >= 1 && h >= 1)) fail(op, `empty image (${w}x${h})`);
  const [outH, outW] = size;
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH >= 1 && outW >= 1)) fail(op, `size must be positive integers, got ${size}`);
  const f = Math.fround;
  const k = [0, 1, 2].map((c) => f(1 / (attrs.std?.[c] ?? 1))) as [number, number, number];
  const b = [0, 1, 2].map((c) => f(-(attrs.mean?.[c] ?? 0) / (attrs.std?.[c] ?? 1))) as [number, number, number];
  let y: AxisMap;
  let x: AxisMap;
  let lenY = h;
  let lenX = w;
  if (pad === 'bottom-right') {
    if (outH !== outW) fail(op, `pad 'bottom-right' makes a square; size must be [n, n], got ${size}`);
    const side = Math.max(w, h);
    const n = outH;
    lenY = lenX = side;
    // preprocessImage's cases: pad only; a square image resized by size; a padded image resized by scale n / side.
    const m = side === n ? { a: 1, b: 0, d: 1 } : h === w ? axisMap('asymmetric', side, n, undefined) : axisMap('asymmetric', side, n, n / side);
    y = x = m;
  } else if (pad === 'none') {
    y = axisMap('asymmetric', h, outH, undefined);
    x = axisMap('asymmetric', w, outW, undefined);
  } else {
    fail(op, `pad must be 'bottom-right' or 'none', got ${JSON.stringify(pad)}`);
  }
  return { attrs: { image, imgH: h, imgW: w, outH, outW, lenY, lenX, y, x, k, b }, outShapes: [[1, outH, outW, 3]] };
}
