import { checkKeys, int, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, shapeStr, type Shape } from '../../runtime/shape.js';

/**
 * warpAffine: k output images ("chips") sampled bilinearly out of NHWC images through one affine map each.
 *
 * Coordinates are pixel centres (pixel (r, c) is the point (x = c, y = r): the OpenCV / dlib convention). Row b of
 * `transforms` ([k, 6] or [k, 2, 3]) holds the INVERSE map (a, b, c, d, e, f), output pixel -> source point
 * (OpenCV's WARP_INVERSE_MAP):
 *   sx = a * j + b * i + c,   sy = d * j + e * i + f          (output row i, column j)
 * The value is the bilinear blend of the four taps (floor(sx), floor(sx) + 1) x (floor(sy), floor(sy) + 1). A tap
 * outside the image reads 0 with border 'zero' (each tap on its own, so a chip fades to 0 over one pixel at the
 * image edge instead of stepping) or the nearest edge pixel with 'replicate'. A NaN coordinate samples 0 in both
 * modes; coordinates beyond [-2, size + 1] are clamped there first (it changes nothing: every tap is already out
 * or on the edge), which keeps infinities and huge values out of the integer tap arithmetic.
 *
 * The image batch n is 1 (every chip comes from the one image: faces of a photo) or k (chip b from image b).
 * The kernels evaluate the sample coordinate in f32 in the order written above.
 */
export interface WarpAffineAttrs {
  /** Output [height, width] of every chip. */
  size: [number, number];
  /** What taps outside the image read: 'zero' (default) or 'replicate' (the nearest edge pixel). */
  border?: WarpBorder;
}

export type WarpBorder = 'zero' | 'replicate';
export const WARP_BORDERS: readonly WarpBorder[] = ['zero', 'replicate'];

export interface WarpAffineNorm {
  /** Images in the input batch (1 or k). */
  n: number;
  inH: number;
  inW: number;
  c: number;
  /** Chips (transform rows). */
  k: number;
  outH: number;
  outW: number;
  border: WarpBorder;
}

const OP = 'warpAffine';

/** Inputs [image [n, H, W, C], transforms [k, 6] | [k, 2, 3]] -> [k, outH, outW, C]. */
export function prepareWarpAffine(inShapes: readonly (Shape | undefined)[], attrs: WarpAffineAttrs): { attrs: WarpAffineNorm; outShapes: Shape[] } {
  if (attrs === null || typeof attrs !== 'object') fail(OP, 'attrs must be an object with size: [outH, outW]');
  checkKeys(OP, attrs, ['size', 'border']);
  const [xs, ts] = inShapes;
  if (!xs || !ts) fail(OP, 'needs an image [n, H, W, C] and transforms [k, 6] (or [k, 2, 3])');
  checkRank(`${OP}: image (NHWC)`, xs, 4);
  const [n, inH, inW, c] = xs as [number, number, number, number];
  if (n === 0 || inH === 0 || inW === 0 || c === 0) fail(OP, `image ${shapeStr(xs)} is empty; nothing to sample from`);
  const rowsOf6 = ts.length === 2 && ts[1] === 6;
  const rows2x3 = ts.length === 3 && ts[1] === 2 && ts[2] === 3;
  if (!rowsOf6 && !rows2x3) {
    fail(OP, `transforms ${shapeStr(ts)} must be [k, 6] or [k, 2, 3]: one inverse affine (a, b, c, d, e, f) per output chip`);
  }
  const k = ts[0]!;
  if (n !== 1 && n !== k) fail(OP, `image batch ${n} must be 1 (all chips from one image) or equal the ${k} transforms (chip b from image b)`);
  if (!Array.isArray(attrs.size) || attrs.size.length !== 2) fail(OP, `size must be [outH, outW], got ${JSON.stringify(attrs.size)}`);
  const outH = int(OP, 'size[0]', attrs.size[0], undefined, 1);
  const outW = int(OP, 'size[1]', attrs.size[1], undefined, 1);
  const border = oneOf(OP, 'border', attrs.border, WARP_BORDERS, 'zero');
  return { attrs: { n, inH, inW, c, k, outH, outW, border }, outShapes: [[k, outH, outW, c]] };
}
