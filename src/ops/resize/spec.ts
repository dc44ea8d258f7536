import { checkKeys, int, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, shapeStr, type Shape } from '../../runtime/shape.js';

/** ONNX Resize (mode linear / nearest on the two spatial axes of an NHWC tensor). */
export const RESIZE_MODES = ['bilinear', 'nearest'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

/** ONNX coordinate_transformation_mode values (tf_crop_and_resize and half_pixel_symmetric are not supported). */
export const COORD_TRANSFORMS = ['half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel', 'tf_half_pixel_for_nn'] as const;
export type CoordTransform = (typeof COORD_TRANSFORMS)[number];

export const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const;
export type NearestMode = (typeof NEAREST_MODES)[number];

export interface ResizeAttrs {
  /** Output [height, width]. */
  size: [number, number];
  mode?: ResizeMode;
  coordinateTransform?: CoordTransform;
  /** How nearest mode rounds a source coordinate (ignored by bilinear). */
  nearestMode?: NearestMode;
  /** [sh, sw]: used in the coordinate transform instead of out/in (ONNX Resize with `scales`). */
  scales?: [number, number];
}

/**
 * Source coordinate of output index o along one axis: (o * a + b) / d. For sizes (and scales that are ratios of
 * small integers) a, b, d are integers, so kernels find floor and remainder exactly in f32 and ties in nearest
 * rounding (x.5) and integral coordinates (floor / ceil) match the f64 reference. Other scales give f32 values.
 */
export interface AxisMap {
  a: number;
  b: number;
  d: number;
}

export interface ResizeNorm {
  mode: ResizeMode;
  coordinateTransform: CoordTransform;
  nearestMode: NearestMode;
  scales: [number, number] | null;
  n: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  c: number;
  y: AxisMap;
  x: AxisMap;
}

/** Codes shared by shaders/resize.wgsl (NEAREST override) and the host-side tables. */
export const NEAREST_CODE: Record<NearestMode, number> = { round_prefer_floor: 0, round_prefer_ceil: 1, floor: 2, ceil: 3 };

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/** s as p / q with small integers when p / q is exactly s as a double (2, 0.5, 1.5, 0.75...), else null. */
function rational(s: number): { p: number; q: number } | null {
  for (let q = 1; q <= 4096; q++) {
    const p = Math.round(s * q);
    if (p > 0 && p / q === s) return { p, q };
  }
  return null;
}

function reduced(a: number, b: number, d: number): AxisMap {
  const g = gcd(gcd(a, b), d) || 1;
  return { a: a / g, b: b / g, d: d / g };
}

/** The AxisMap of one axis (see AxisMap); scale undefined means out / in. */
export function axisMap(t: CoordTransform, inLen: number, outLen: number, scale: number | undefined): AxisMap {
  if (t === 'align_corners') {
    // ONNX: x * (in - 1) / (outLength - 1), where outLength is in * scale (fractional) when scales are given.
    if (outLen <= 1) return { a: 0, b: 0, d: 1 };
    if (scale === undefined) return reduced(inLen - 1, 0, outLen - 1);
    const r = rational(scale);
    if (r) return reduced((inLen - 1) * r.q, 0, inLen * r.p - r.q);
    return { a: inLen - 1, b: 0, d: Math.fround(inLen * scale - 1) };
  }
  if (t === 'pytorch_half_pixel' && outLen <= 1) return { a: 0, b: 0, d: 1 };
  // scale = p / q: source = o * q / p (asymmetric), (o + 0.5) * q / p - 0.5 (half pixel), (o + 0.5) * q / p.
  const r = scale === undefined ? { p: outLen, q: inLen } : rational(scale);
  if (r) {
    const { p, q } = r;
    if (t === 'asymmetric') return reduced(q, 0, p);
    if (t === 'tf_half_pixel_for_nn') return reduced(2 * q, q, 2 * p);
    return reduced(2 * q, q - p, 2 * p);
  }
  const s = scale!;
  const f = Math.fround;
  if (t === 'asymmetric') return { a: 1, b: 0, d: f(s) };
  if (t === 'tf_half_pixel_for_nn') return { a: 2, b: 1, d: f(2 * s) };
  return { a: 2, b: f(1 - s), d: f(2 * s) };
}

export function prepareResize(inShapes: readonly (Shape | undefined)[], attrs: ResizeAttrs): { attrs: ResizeNorm; outShapes: Shape[] } {
  const op = 'resize';
  if (attrs === null || typeof attrs !== 'object') fail(op, 'attrs must be an object with size: [outH, outW]');
  checkKeys(op, attrs, ['size', 'mode', 'coordinateTransform', 'nearestMode', 'scales']);
  const xs = inShapes[0];
  if (!xs) fail(op, 'needs an input');
  checkRank(`${op}: input`, xs, 4);
  const [n, inH, inW, c] = xs as [number, number, number, number];
  if (!Array.isArray(attrs.size) || attrs.size.length !== 2) fail(op, `size must be [outH, outW], got ${JSON.stringify(attrs.size)}`);
  const outH = int(op, 'size[0]', attrs.size[0], undefined, 1);
  const outW = int(op, 'size[1]', attrs.size[1], undefined, 1);
  const mode = oneOf(op, 'mode', attrs.mode, RESIZE_MODES, 'bilinear');
  const coordinateTransform = oneOf(op, 'coordinateTransform', attrs.coordinateTransform, COORD_TRANSFORMS, 'half_pixel');
  const nearestMode = oneOf(op, 'nearestMode', attrs.nearestMode, NEAREST_MODES, 'round_prefer_floor');
  let scales: [number, number] | null = null;
  if (attrs.scales !== undefined) {
    const s = attrs.scales;
    if (!Array.isArray(s) || s.length !== 2) fail(op, `scales must be [sh, sw], got ${JSON.stringify(s)}`);
    for (const [i, v] of s.entries()) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(op, `scales[${i}] must be a finite number > 0, got ${String(v)}`);
    }
    scales = [s[0], s[1]];
  }
  if (n * c > 0 && (inH === 0 || inW === 0)) fail(op, `input ${shapeStr(xs)} has an empty spatial dim; nothing to sample from`);
  return {
    attrs: {
      mode,
      coordinateTransform,
      nearestMode,
      scales,
      n,
      inH,
      inW,
      outH,
      outW,
      c,
      y: axisMap(coordinateTransform, inH, outH, scales?.[0]),
      x: axisMap(coordinateTransform, inW, outW, scales?.[1]),
    },
    outShapes: [[n, outH, outW, c]],
  };
}

/**
 * Per output index of one axis: the two source indices (equal for nearest) and the weight of the second, from
 * the AxisMap, the way the kernels compute them (floor and remainder of (o * a + b) / d, then clamp to the edge).
 */
export function axisTaps(m: AxisMap, inLen: number, outLen: number, mode: ResizeMode, nearest: NearestMode): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const i0 = new Int32Array(outLen);
  const i1 = new Int32Array(outLen);
  const w = new Float32Array(outLen);
  const clamp = (v: number) => Math.min(Math.max(v, 0), inLen - 1);
  for (let o = 0; o < outLen; o++) {
    const num = o * m.a + m.b;
    let q = Math.floor(num / m.d);
    let r = num - q * m.d;
    if (r < 0) (q -= 1), (r += m.d);
    if (r >= m.d) (q += 1), (r -= m.d);
    if (mode === 'bilinear') {
      i0[o] = clamp(q);
      i1[o] = clamp(q + 1);
      w[o] = r / m.d;
    } else {
      const up =
        nearest === 'round_prefer_floor' ? 2 * r > m.d : nearest === 'round_prefer_ceil' ? 2 * r >= m.d : nearest === 'ceil' ? r > 0 : false;
      i0[o] = i1[o] = clamp(q + (up ? 1 : 0));
    }
  }
  return { i0, i1, w };
}
