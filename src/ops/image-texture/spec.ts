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
  /** Per colour [r, g, b] (or [r, g, b, a] with channels 4), in pixel units (0..255): out = (v - mean) / std. Default raw values. */
  mean?: readonly number[];
  std?: readonly number[];
  /** 3 (default): RGB; 4: RGBA, alpha too (MTCNN's vec4 layout). As normalizeImage's channels. */
  channels?: 3 | 4;
  /** Output B, G, R (, A); mean and std stay per source colour. As normalizeImage's bgr. Default false. */
  bgr?: boolean;
  /**
   * Integer rectangle of the image to use instead of all of it (face crops from the one uploaded image); it must
   * lie inside the image. Default the whole image.
   */
  crop?: { x: number; y: number; width: number; height: number };
}

export interface ImageTextureNorm {
  image: TextureImage;
  /** The crop's extent and its top-left corner in the image. */
  imgH: number;
  imgW: number;
  offY: number;
  offX: number;
  outH: number;
  outW: number;
  /** Source extent the taps clamp to: the padded square's side, or the image's size. */
  lenY: number;
  lenX: number;
  y: AxisMap;
  x: AxisMap;
  /** 1 / std and -mean / std per source channel (r, g, b, a), f32. */
  k: [number, number, number, number];
  b: [number, number, number, number];
  channels: 3 | 4;
  bgr: boolean;
}

/**
 * The geometry of preprocessImage's buffer path as one source transform: with padding, the image sits in a
 * virtual side x side square (side = max(w, h)) resized to n x n by the same axis map the resize op would use.
 */
export function prepareImageTexture(inShapes: readonly (Shape | undefined)[], attrs: ImageTextureAttrs): { attrs: ImageTextureNorm; outShapes: Shape[] } {
  const op = 'imageTexture';
  if (inShapes.length !== 0) fail(op, 'takes no tensor inputs');
  const { image, size, pad, crop } = attrs;
  if (!(image.width >= 1 && image.height >= 1)) fail(op, `empty image (${image.width}x${image.height})`);
  const c = crop ?? { x: 0, y: 0, width: image.width, height: image.height };
  const ok = [c.x, c.y, c.width, c.height].every(Number.isInteger) && c.x >= 0 && c.y >= 0 && c.width >= 1 && c.height >= 1;
  if (!ok || c.x + c.width > image.width || c.y + c.height > image.height) {
    fail(op, `crop must be a non-empty integer rectangle inside the ${image.width}x${image.height} image, got ${JSON.stringify(crop)}`);
  }
  const { width: w, height: h } = c;
  const [outH, outW] = size;
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH >= 1 && outW >= 1)) fail(op, `size must be positive integers, got ${size}`);
  const f = Math.fround;
  const channels = attrs.channels ?? 3;
  if (channels !== 3 && channels !== 4) fail(op, `channels must be 3 or 4, got ${JSON.stringify(attrs.channels)}`);
  const bgr = attrs.bgr ?? false;
  for (const [name, v] of [['mean', attrs.mean], ['std', attrs.std]] as const) {
    if (v !== undefined && (v.length !== channels || !v.every(Number.isFinite) || (name === 'std' && v.includes(0)))) {
      fail(op, `${name} must hold ${channels} finite numbers${name === 'std' ? ' (non-zero)' : ''}, got ${JSON.stringify(v)}`);
    }
  }
  const k = [0, 1, 2, 3].map((c) => f(1 / (attrs.std?.[c] ?? 1))) as [number, number, number, number];
  const b = [0, 1, 2, 3].map((c) => f(-(attrs.mean?.[c] ?? 0) / (attrs.std?.[c] ?? 1))) as [number, number, number, number];
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
  return { attrs: { image, imgH: h, imgW: w, offY: c.y, offX: c.x, outH, outW, lenY, lenX, y, x, k, b, channels, bgr }, outShapes: [[1, outH, outW, channels]] };
}
