import { checkKeys, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, shapeStr, type Shape } from '../../runtime/shape.js';

/** Per-slot target values: objMask (1 positive, 0 negative, -1 ignored), tx*, ty*, tw*, th*, classIndex. */
export const TARGET_VALUES = 6;

/**
 * MultiBox loss of a YOLO-style grid head (the raw input of detectionHead, same slot layout: per cell and anchor
 * tx, ty, tw, th, to, class logits c_0..c_C-1). Per slot:
 * - objectness BCE of sigmoid(to): lambdaObj * -log sigmoid(to) for positives, lambdaNoObj * -log(1 - sigmoid(to))
 *   for negatives, nothing for ignored slots;
 * - positives only: lambdaBox * sum of smoothL1 (beta 1) of (sigmoid(tx), sigmoid(ty), tw, th) - (tx*, ty*, tw*,
 *   th*), and lambdaCls * softmax cross-entropy of the class logits at classIndex (skipped when classIndex is
 *   outside [0, C)).
 * Outputs: lossSums [4] = (total, obj, box, cls), each summed over the batch (the lambdas applied; the mean loss
 * is total / n), and dPred (pred's shape) = d(total / n) / d pred.
 */
export interface MultiboxLossAttrs {
  /** Default 1. */
  lambdaObj?: number;
  /** Default 1. */
  lambdaNoObj?: number;
  /** Default 1. */
  lambdaBox?: number;
  /** Default 1. */
  lambdaCls?: number;
}

export interface MultiboxLossNorm {
  n: number;
  /** Slots: n * H * W * A. */
  slots: number;
  anchors: number;
  classes: number;
  /** Values per slot in pred: 5 + classes. */
  k: number;
  /** Rounded to f32 so every backend uses the same values. */
  lambdaObj: number;
  lambdaNoObj: number;
  lambdaBox: number;
  lambdaCls: number;
  /** 1 / n (f32). */
  scale: number;
}

const OP = 'multiboxLoss';

export function prepareMultiboxLoss(inShapes: readonly (Shape | undefined)[], raw: MultiboxLossAttrs = {}): { attrs: MultiboxLossNorm; outShapes: Shape[] } {
  raw ??= {};
  if (typeof raw !== 'object') fail(OP, `attributes must be an object, got ${String(raw)}`);
  checkKeys(OP, raw, ['lambdaObj', 'lambdaNoObj', 'lambdaBox', 'lambdaCls']);
  const lambda = (name: keyof MultiboxLossAttrs) => {
    const v = num(OP, name, raw[name], 1);
    if (!Number.isFinite(v) || v < 0) fail(OP, `${name} must be a finite number >= 0, got ${v}`);
    return Math.fround(v);
  };
  const [pred, targets] = inShapes;
  if (!pred || !targets || inShapes.length > 2) fail(OP, 'takes 2 inputs (pred, targets)');
  checkRank(`${OP}: pred [n, H, W, anchors * (5 + classes)]`, pred, 4);
  checkRank(`${OP}: targets [n, H, W, anchors, 6]`, targets, 5);
  const [n, h, w, ch] = pred as [number, number, number, number];
  const [tn, th, tw, a, tv] = targets as [number, number, number, number, number];
  if (tn !== n || th !== h || tw !== w) fail(OP, `targets ${shapeStr(targets)} must match pred ${shapeStr(pred)} in [n, H, W]`);
  if (tv !== TARGET_VALUES) fail(OP, `targets ${shapeStr(targets)} must end in ${TARGET_VALUES} values per slot (obj, tx, ty, tw, th, class)`);
  if (a < 1) fail(OP, `targets ${shapeStr(targets)} has no anchors`);
  if (ch % a !== 0 || ch / a < 5) fail(OP, `pred ${shapeStr(pred)} has ${ch} channels: not ${a} anchors x (5 + classes)`);
  const k = ch / a;
  return {
    attrs: {
      n,
      slots: n * h * w * a,
      anchors: a,
      classes: k - 5,
      k,
      lambdaObj: lambda('lambdaObj'),
      lambdaNoObj: lambda('lambdaNoObj'),
      lambdaBox: lambda('lambdaBox'),
      lambdaCls: lambda('lambdaCls'),
      scale: Math.fround(1 / Math.max(1, n)),
    },
    outShapes: [[4], [...pred]],
  };
}
