import { checkKeys, num, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';

export const PAD_MODES = ['constant', 'reflect', 'edge'] as const;
export type PadMode = (typeof PAD_MODES)[number];
/** Codes shared by shaders/pad.wgsl (MODE) and assembly/pad.ts. */
export const PAD_MODE_CODE: Record<PadMode, number> = { constant: 0, reflect: 1, edge: 2 };

export interface PadAttrs {
  /** One [before, after] pair per dim, non-negative. */
  paddings: [number, number][];
  /** 'reflect' mirrors without repeating the edge (numpy / ONNX reflect); default 'constant'. */
  mode?: PadMode;
  /** Fill value for 'constant' (default 0; ignored by the other modes, as ONNX). */
  value?: number;
}

export interface PadNorm {
  mode: PadMode;
  value: number;
  /** The input shape and pads as given (the reference walks these). */
  inShape: number[];
  before: number[];
  /**
   * Kernel view: adjacent dims merged where that keeps the meaning (an unpadded dim folds into the dim before
   * it; for reflect/edge only when that dim is unpadded too), so NHWC pads over H, W copy whole C rows.
   */
  dims: number[];
  dimsBefore: number[];
  dimsOut: number[];
}

export const MAX_PAD_RANK = 6;

export function preparePad(inShapes: readonly (Shape | undefined)[], raw: PadAttrs): { attrs: PadNorm; outShapes: Shape[] } {
  const op = 'pad';
  if (raw === null || typeof raw !== 'object') fail(op, `attrs must be an object with paddings, got ${String(raw)}`);
  checkKeys(op, raw, ['paddings', 'mode', 'value']);
  const x = inShapes[0];
  if (!x) fail(op, 'needs an input x');
  if (inShapes.length > 1) fail(op, `takes one input, got ${inShapes.length}`);
  if (x.length < 1 || x.length > MAX_PAD_RANK) fail(op, `x: expected rank 1 to ${MAX_PAD_RANK}, got rank ${x.length} ${shapeStr(x)}`);
  const mode = oneOf(op, 'mode', raw.mode, PAD_MODES, 'constant');
  const value = num(op, 'value', raw.value, 0);
  const p = raw.paddings;
  if (!Array.isArray(p) || p.length !== x.length) {
    fail(op, `paddings must hold one [before, after] pair per dim (${x.length} for ${shapeStr(x)}), got ${JSON.stringify(p)}`);
  }
  const before: number[] = [];
  const after: number[] = [];
  p.forEach((pr, d) => {
    if (!Array.isArray(pr) || pr.length !== 2) fail(op, `paddings[${d}] must be [before, after], got ${JSON.stringify(pr)}`);
    pr.forEach((v, k) => {
      const what = `paddings[${d}][${k}]`;
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(op, `${what} must be an integer, got ${String(v)}`);
      if (v < 0) fail(op, `${what} must be non-negative, got ${v}`);
    });
    const [b, a] = pr as [number, number];
    const size = x[d]!;
    if (mode === 'reflect' && (b >= size || a >= size) && b + a > 0) {
      fail(op, `reflect padding ${JSON.stringify(pr)} on dim ${d} must be smaller than its size ${size}`);
    }
    if (mode === 'edge' && size === 0 && b + a > 0) fail(op, `edge padding on dim ${d} needs a non-empty dim, got size 0`);
    before.push(b);
    after.push(a);
  });
  const outShape = x.map((d, i) => d + before[i]! + after[i]!);

  // Kernel view: fold dim i+1 into dim i when i+1 is unpadded (constant mode pads whole rows of it) or, for
  // reflect / edge, when both are unpadded.
  const dims = [x[0]!];
  const dimsBefore = [before[0]!];
  const dimsAfter = [after[0]!];
  for (let i = 1; i < x.length; i++) {
    const last = dims.length - 1;
    const unpadded = before[i] === 0 && after[i] === 0;
    const foldable = unpadded && (mode === 'constant' || (dimsBefore[last] === 0 && dimsAfter[last] === 0));
    if (foldable) {
      dims[last] = dims[last]! * x[i]!;
      dimsBefore[last] = dimsBefore[last]! * x[i]!;
      dimsAfter[last] = dimsAfter[last]! * x[i]!;
    } else {
      dims.push(x[i]!);
      dimsBefore.push(before[i]!);
      dimsAfter.push(after[i]!);
    }
  }
  const dimsOut = dims.map((d, i) => d + dimsBefore[i]! + dimsAfter[i]!);
  return { attrs: { mode, value, inShape: [...x], before, dims, dimsBefore, dimsOut }, outShapes: [outShape] };
}

/** Source coordinate of output coordinate `o` along a dim of `size` padded by `before`; -1 = constant fill. */
export function padSource(o: number, size: number, before: number, mode: PadMode): number {
  const i = o - before;
  if (i >= 0 && i < size) return i;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return i < 0 ? 0 : size - 1;
  return i < 0 ? -i : 2 * (size - 1) - i; // reflect
}
