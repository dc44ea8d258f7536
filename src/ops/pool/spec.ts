import { checkKeys, pair } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, shapeStr, type Shape } from '../../runtime/shape.js';

export type PoolKind = 'max' | 'avg';
export type PoolOpName = 'maxPool' | 'avgPool' | 'globalAvgPool';

/** Raw pool attributes (x is NHWC). */
export interface PoolAttrs {
  windowSize: number | [number, number];
  /** Default: windowSize. */
  strides?: number | [number, number];
  /** 'same' is TF SAME (odd extra pad at bottom/right); explicit is [top, bottom, left, right]. Default 'valid'. */
  padding?: 'same' | 'valid' | [number, number, number, number];
  /** Window dilation (default 1). */
  dilations?: number | [number, number];
  /** ONNX ceil_mode: output size rounds up; windows starting past input + top/left pad are dropped. */
  ceilMode?: boolean;
  /** avgPool only: divide by the window's size clipped to the padded input (default false: valid elements only). */
  countIncludePad?: boolean;
}

/** Normalised pool geometry shared by every kernel. */
export interface PoolNorm {
  kind: PoolKind;
  n: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
  /** Ends of the padded input (h + bottom pad, w + right pad): where countIncludePad clips a window. */
  padH: number;
  padW: number;
  countIncludePad: boolean;
}

const KEYS: Record<PoolOpName, readonly string[]> = {
  maxPool: ['windowSize', 'strides', 'padding', 'dilations', 'ceilMode'],
  avgPool: ['windowSize', 'strides', 'padding', 'dilations', 'ceilMode', 'countIncludePad'],
  globalAvgPool: [],
};

function bool(op: string, name: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') fail(op, `${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** Output size along one axis for explicit pads (ONNX / PyTorch rule for ceil mode). */
function outSize(op: string, axis: string, size: number, k: number, s: number, d: number, lo: number, hi: number, ceil: boolean): number {
  const eff = (k - 1) * d + 1;
  const span = size + lo + hi - eff;
  if (span < 0) fail(op, `window ${axis} ${eff} (dilated) is larger than the padded input ${size + lo + hi}`);
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // The last window must start inside the input or the top/left pad, never only in the bottom/right pad.
  if (ceil && (o - 1) * s >= size + lo) o--;
  return o;
}

/** Every window must hold at least one real element (else max and the valid-count average are undefined). */
function checkCovered(op: string, axis: string, size: number, o: number, k: number, s: number, d: number, lo: number): void {
  for (let i = 0; i < o; i++) {
    let hit = false;
    for (let t = 0; t < k && !hit; t++) {
      const p = i * s - lo + t * d;
      hit = p >= 0 && p < size;
    }
    if (!hit) fail(op, `padding too large: the window at output ${axis} ${i} covers only padding`);
  }
}

/** Validates and normalises maxPool / avgPool / globalAvgPool attributes on an NHWC input. */
export function preparePool(op: PoolOpName, inShapes: readonly (Shape | undefined)[], raw: PoolAttrs | undefined): { attrs: PoolNorm; outShapes: Shape[] } {
  const attrs = (raw ?? {}) as PoolAttrs;
  if (typeof attrs !== 'object' || Array.isArray(attrs)) fail(op, `attrs must be an object, got ${JSON.stringify(raw)}`);
  checkKeys(op, attrs, KEYS[op]);
  const x = inShapes[0];
  if (!x) fail(op, 'needs an input x');
  if (inShapes.length > 1) fail(op, `takes one input, got ${inShapes.length}`);
  checkRank(`${op}: x (NHWC)`, x, 4);
  const [n, h, w, c] = x as [number, number, number, number];
  const kind: PoolKind = op === 'maxPool' ? 'max' : 'avg';

  if (op === 'globalAvgPool') {
    if (h === 0 || w === 0) fail(op, `input ${shapeStr(x)} has an empty spatial extent`);
    const norm: PoolNorm = { kind, n, h, w, c, oh: 1, ow: 1, kh: h, kw: w, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 0, padLeft: 0, padH: h, padW: w, countIncludePad: false };
    return { attrs: norm, outShapes: [[n, 1, 1, c]] };
  }

  if (attrs.windowSize === undefined) fail(op, 'windowSize is required');
  const [kh, kw] = pair(op, 'windowSize', attrs.windowSize, 1, 1);
  const [sh, sw] = pair(op, 'strides', attrs.strides ?? [kh, kw], 1, 1);
  const [dh, dw] = pair(op, 'dilations', attrs.dilations, 1, 1);
  const ceilMode = bool(op, 'ceilMode', attrs.ceilMode);
  const countIncludePad = bool(op, 'countIncludePad', attrs.countIncludePad);
  const pad = attrs.padding ?? 'valid';
  const effH = (kh - 1) * dh + 1;
  const effW = (kw - 1) * dw + 1;

  let top: number, bottom: number, left: number, right: number, oh: number, ow: number;
  if (pad === 'same') {
    // TF SAME: out = ceil(in / stride); the odd extra pad goes to the bottom/right. ceilMode changes nothing here.
    oh = Math.ceil(h / sh);
    ow = Math.ceil(w / sw);
    const th = Math.max((oh - 1) * sh + effH - h, 0);
    const tw = Math.max((ow - 1) * sw + effW - w, 0);
    top = Math.floor(th / 2);
    bottom = th - top;
    left = Math.floor(tw / 2);
    right = tw - left;
  } else {
    if (pad === 'valid') {
      top = bottom = left = right = 0;
    } else if (Array.isArray(pad) && pad.length === 4) {
      const names = ['top', 'bottom', 'left', 'right'];
      [top, bottom, left, right] = pad.map((v, i) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) fail(op, `padding ${names[i]} must be an integer, got ${String(v)}`);
        if (v < 0) fail(op, `padding ${names[i]} must be non-negative, got ${v}`);
        return v;
      }) as [number, number, number, number];
    } else {
      fail(op, `padding must be 'same', 'valid' or [top, bottom, left, right], got ${JSON.stringify(pad)}`);
    }
    oh = outSize(op, 'height', h, kh, sh, dh, top, bottom, ceilMode);
    ow = outSize(op, 'width', w, kw, sw, dw, left, right, ceilMode);
  }
  if (n * c > 0) {
    if (h === 0 || w === 0) fail(op, `input ${shapeStr(x)} has an empty spatial extent`);
    checkCovered(op, 'row', h, oh, kh, sh, dh, top);
    checkCovered(op, 'column', w, ow, kw, sw, dw, left);
  }
  const norm: PoolNorm = { kind, n, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, padTop: top, padLeft: left, padH: h + bottom, padW: w + right, countIncludePad };
  return { attrs: norm, outShapes: [[n, oh, ow, c]] };
}

/**
 * The valid tap range [lo, hi) of a window starting at `start` (dilation d, k taps) over an input of `size`,
 * so kernels loop over real elements only.
 */
export function tapRange(start: number, k: number, d: number, size: number): [number, number] {
  const lo = start >= 0 ? 0 : Math.ceil(-start / d);
  const hi = Math.min(k, Math.ceil((size - start) / d));
  return [lo, hi];
}
