import { oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';
import { nmsParams, type NmsOptions, type NmsParams } from './host.js';

export const NMS_OUTPUTS = ['indices', 'rows'] as const;
export type NmsOutput = (typeof NMS_OUTPUTS)[number];

/**
 * Op `nms`. Inputs: boxes [n, k] or [1, n, k] (k >= 4: x0, y0, x1, y1, then anything, e.g. detectionHead rows),
 * scores [n] (any shape of n values). Without scores, column 4 of each box row is the score (detectionHead's
 * objectness). Output 'indices' (default): [maxBoxes] selected box indices, best first, as f32, padded with -1.
 * 'rows': [maxBoxes, 2 + k], each row (index, score, the box's k values), padding rows (-1, 0, 0...): everything a
 * detector needs in one small readback.
 */
export interface NmsAttrs extends NmsOptions {
  output?: NmsOutput;
}

export interface NmsNorm extends NmsParams {
  n: number;
  /** Values per box row. */
  k: number;
  /** Column of the score within a box row, or -1 when scores come as input 1. */
  scoreCol: number;
  output: NmsOutput;
  /** Values per output row: 1 (indices) or 2 + k (rows). */
  outCols: number;
}

const OP = 'nms';

export function prepareNms(inShapes: readonly (Shape | undefined)[], raw: NmsAttrs): { attrs: NmsNorm; outShapes: Shape[] } {
  const p = nmsParams(OP, raw, ['output']);
  const output = oneOf(OP, 'output', raw.output, NMS_OUTPUTS, 'indices');
  const [bs, ss] = inShapes;
  if (!bs) fail(OP, 'needs boxes [n, 4]');
  if (inShapes.length > 2) fail(OP, `takes boxes and optional scores, got ${inShapes.length} inputs`);
  const lead = bs.length === 3 ? bs[0] : 1;
  if (!(bs.length === 2 || (bs.length === 3 && lead === 1))) {
    fail(OP, `boxes must be [n, 4+] or [1, n, 4+], got ${shapeStr(bs)}`);
  }
  const n = bs[bs.length - 2]!;
  const k = bs[bs.length - 1]!;
  if (k < 4) fail(OP, `boxes ${shapeStr(bs)} need at least 4 values per box (x0, y0, x1, y1), got ${k}`);
  let scoreCol = -1;
  if (ss) {
    if (sizeOf(ss) !== n) fail(OP, `scores ${shapeStr(ss)} must hold one value per box (${n}), got ${sizeOf(ss)}`);
  } else {
    if (k < 5) fail(OP, `without a scores input, boxes ${shapeStr(bs)} need a score in column 4 (5+ values per box)`);
    scoreCol = 4;
  }
  if (n >= 1 << 24) fail(OP, `${n} boxes: indices beyond 2^24 are not exact in f32`);
  const outCols = output === 'rows' ? 2 + k : 1;
  return {
    attrs: { ...p, n, k, scoreCol, output, outCols },
    outShapes: [output === 'rows' ? [p.maxBoxes, outCols] : [p.maxBoxes]],
  };
}
