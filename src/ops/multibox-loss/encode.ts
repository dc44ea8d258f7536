import { fail } from '../../runtime/errors.js';
import { TARGET_VALUES } from './spec.js';

/** A ground-truth box in normalised [0, 1] image coordinates: top-left corner (x, y), size (w, h). */
export interface MultiboxBox {
  x: number;
  y: number;
  w: number;
  h: number;
  classIndex: number;
}

export interface MultiboxEncodeOptions {
  /** Per image, its boxes. */
  boxes: readonly (readonly MultiboxBox[])[];
  /** Grid size S (the head's output is S x S). */
  grid: number;
  /** Anchor [w, h] per anchor, normalised to the image (detectionHead's anchors divided by S). */
  anchors: readonly (readonly [number, number])[];
  numClasses: number;
  /** Unmatched anchors of a box's cell whose shape IoU with the box exceeds this are ignored (-1). Default 0.5. */
  ignoreIou?: number;
}

const OP = 'encodeMultiboxTargets';

/** IoU of two boxes sharing a centre (YOLOv2's anchor matching: shape only). */
export function shapeIou(w0: number, h0: number, w1: number, h1: number): number {
  const inter = Math.min(w0, w1) * Math.min(h0, h1);
  return inter / (w0 * h0 + w1 * h1 - inter);
}

/**
 * multiboxLoss targets [n, S, S, A, 6] for a batch of boxes. Each box goes to the cell holding its centre and to
 * the anchor with the best shape IoU there (ties: the first anchor): objMask 1, tx* ty* = the centre's offset in
 * the cell in [0, 1), tw* th* = log(w / anchorW), log(h / anchorH), its class. When two boxes claim one slot, the
 * better-matching one keeps it. Every other anchor of a box's cell whose shape IoU with the box exceeds ignoreIou
 * is marked -1 (no objectness loss: it would be a fair detection too). All other slots are negatives (0).
 */
export function encodeMultiboxTargets(o: MultiboxEncodeOptions): Float32Array {
  if (!o || typeof o !== 'object') fail(OP, 'needs an options object');
  const S = o.grid;
  if (!Number.isInteger(S) || S < 1) fail(OP, `grid must be an integer >= 1, got ${String(S)}`);
  if (!Array.isArray(o.anchors) || o.anchors.length === 0) fail(OP, 'anchors must be a non-empty array of [w, h]');
  o.anchors.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !(p[0] > 0) || !(p[1] > 0) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      fail(OP, `anchors[${i}] must be [w, h] with finite sizes > 0, got ${JSON.stringify(p)}`);
    }
  });
  if (!Number.isInteger(o.numClasses) || o.numClasses < 0) fail(OP, `numClasses must be an integer >= 0, got ${String(o.numClasses)}`);
  const ignoreIou = o.ignoreIou ?? 0.5;
  if (typeof ignoreIou !== 'number' || !(ignoreIou >= 0 && ignoreIou <= 1)) fail(OP, `ignoreIou must be in [0, 1], got ${String(ignoreIou)}`);
  if (!Array.isArray(o.boxes)) fail(OP, 'boxes must be an array (one array of boxes per image)');
  const A = o.anchors.length;
  const n = o.boxes.length;
  const out = new Float32Array(n * S * S * A * TARGET_VALUES);
  const slotIou = new Float64Array(n * S * S * A); // IoU of the box holding each positive slot
  const ignored: number[] = [];
  o.boxes.forEach((boxes, b) => {
    if (!Array.isArray(boxes)) fail(OP, `boxes[${b}] must be an array of boxes`);
    boxes.forEach((box, i) => {
      const where = `boxes[${b}][${i}]`;
      const { x, y, w, h, classIndex } = box ?? ({} as MultiboxBox);
      if (![x, y, w, h].every((v) => typeof v === 'number' && Number.isFinite(v))) fail(OP, `${where} needs finite x, y, w, h`);
      if (!(w > 0 && h > 0)) fail(OP, `${where} has an empty size ${w}x${h}`);
      if (!Number.isInteger(classIndex) || classIndex < 0 || (o.numClasses > 0 && classIndex >= o.numClasses)) {
        fail(OP, `${where} classIndex ${String(classIndex)} is not in [0, ${o.numClasses})`);
      }
      const cx = Math.min(Math.max(x + w / 2, 0), 1);
      const cy = Math.min(Math.max(y + h / 2, 0), 1);
      const col = Math.min(Math.floor(cx * S), S - 1);
      const row = Math.min(Math.floor(cy * S), S - 1);
      const ious = o.anchors.map(([aw, ah]) => shapeIou(w, h, aw, ah));
      let best = 0;
      for (let a = 1; a < A; a++) if (ious[a]! > ious[best]!) best = a;
      const cell = (b * S + row) * S + col;
      const slot = cell * A + best;
      if (out[slot * TARGET_VALUES] !== 1 || ious[best]! > slotIou[slot]!) {
        slotIou[slot] = ious[best]!;
        out.set([1, cx * S - col, cy * S - row, Math.log(w / o.anchors[best]![0]), Math.log(h / o.anchors[best]![1]), classIndex], slot * TARGET_VALUES);
      }
      for (let a = 0; a < A; a++) if (a !== best && ious[a]! > ignoreIou) ignored.push(cell * A + a);
    });
  });
  // After all matches, so a slot another box matched stays positive.
  for (const slot of ignored) if (out[slot * TARGET_VALUES] !== 1) out[slot * TARGET_VALUES] = -1;
  return out;
}
