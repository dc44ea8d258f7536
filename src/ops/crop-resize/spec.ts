import { checkKeys, int, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, shapeStr, type Shape } from '../../runtime/shape.js';

/**
 * cropAndResize: bilinear crops of many boxes out of one NHWC image, each resized to `size`.
 * Boxes are [k, 4] rows (x0, y0, x1, y1) in pixel-edge coordinates: pixel (r, c) covers [c, c + 1) x [r, r + 1),
 * so the box (0, 0, W, H) is the whole image. Output pixel (i, j) of a box samples its centre:
 *   sy = y0 + (i + 0.5) * (y1 - y0) / outH - 0.5,   sx = x0 + (j + 0.5) * (x1 - x0) / outW - 0.5
 * (pixel-centre coordinates; the half-pixel convention of canvas drawImage and of resize's default). A sample
 * inside the image area (-0.5 <= s <= size - 0.5 on both axes) blends its four neighbours, clamped to the edge;
 * a sample outside it (a box reaching past the border, as MTCNN crops do) gets `extrapolationValue`.
 */
export interface CropAndResizeAttrs {
  /** Output [height, width] of every crop. */
  size: [number, number];
  /** Value of samples outside the image (default 0: zero padding). */
  extrapolationValue?: number;
}

export interface CropAndResizeNorm {
  inH: number;
  inW: number;
  c: number;
  boxes: number;
  outH: number;
  outW: number;
  fill: number;
}

const OP = 'cropAndResize';

/** Inputs [image [1, H, W, C], boxes [k, 4]] -> [k, outH, outW, C]. */
export function prepareCropAndResize(inShapes: readonly (Shape | undefined)[], attrs: CropAndResizeAttrs): { attrs: CropAndResizeNorm; outShapes: Shape[] } {
  if (attrs === null || typeof attrs !== 'object') fail(OP, 'attrs must be an object with size: [outH, outW]');
  checkKeys(OP, attrs, ['size', 'extrapolationValue']);
  const [xs, bs] = inShapes;
  if (!xs || !bs) fail(OP, 'needs an image [1, H, W, C] and boxes [k, 4]');
  checkRank(`${OP}: image (NHWC)`, xs, 4);
  checkRank(`${OP}: boxes`, bs, 2);
  const [n, inH, inW, c] = xs as [number, number, number, number];
  if (n !== 1) fail(OP, `image ${shapeStr(xs)} must hold one image (batch 1), got batch ${n}`);
  if (inH === 0 || inW === 0 || c === 0) fail(OP, `image ${shapeStr(xs)} is empty; nothing to crop from`);
  if (bs[1] !== 4) fail(OP, `boxes ${shapeStr(bs)} must be [k, 4] rows of (x0, y0, x1, y1), got ${bs[1]} values per row`);
  if (!Array.isArray(attrs.size) || attrs.size.length !== 2) fail(OP, `size must be [outH, outW], got ${JSON.stringify(attrs.size)}`);
  const outH = int(OP, 'size[0]', attrs.size[0], undefined, 1);
  const outW = int(OP, 'size[1]', attrs.size[1], undefined, 1);
  const fill = num(OP, 'extrapolationValue', attrs.extrapolationValue, 0);
  if (!Number.isFinite(fill)) fail(OP, `extrapolationValue must be finite, got ${fill}`);
  const boxes = bs[0]!;
  return { attrs: { inH, inW, c, boxes, outH, outW, fill }, outShapes: [[boxes, outH, outW, c]] };
}

/** One axis of one output index: whether the sample is inside the image, its two taps and the weight of the second. */
export interface Tap {
  inside: boolean;
  i0: number;
  i1: number;
  w: number;
}

/**
 * Where output index `o` (of `outLen`) of the box edge interval [lo, hi] samples an axis of `len` pixels. The
 * kernels compute the same expression in f32.
 */
export function sampleTap(lo: number, hi: number, o: number, outLen: number, len: number): Tap {
  const s = lo + (o + 0.5) * ((hi - lo) / outLen) - 0.5;
  if (!(s >= -0.5 && s <= len - 0.5)) return { inside: false, i0: 0, i1: 0, w: 0 };
  const f = Math.floor(s);
  return { inside: true, i0: Math.max(f, 0), i1: Math.min(f + 1, len - 1), w: s - f };
}
