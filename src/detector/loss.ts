// The head's loss on device: targets encoded on the host (anchor matching by IoU: encodeMultiboxTargets), then
// multiboxLoss gives the loss sums and the gradient of the mean loss with respect to the raw grid.
import type { Engine } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { encodeMultiboxTargets, multiboxLoss, type MultiboxLossAttrs } from '../ops/multibox-loss/index.js';
import type { NormBox } from './labels.js';

export { sliceChannels } from '../ops/slice/index.js';

export interface HeadLossOptions {
  grid: number;
  /** Anchors normalised to the image (fractions of the input side). */
  anchors: [number, number][];
  classes: number;
  ignoreIou: number;
  lambdas?: MultiboxLossAttrs;
}

/** [lossSums [4] = (total, obj, box, cls) summed over the batch, dPred = d(total / n) / d pred]; both the caller's. */
export function headLoss(e: Engine, pred: Tensor, boxes: readonly (readonly NormBox[])[], o: HeadLossOptions): [Tensor, Tensor] {
  const { grid, anchors, classes, ignoreIou } = o;
  const t = encodeMultiboxTargets({ boxes: boxes.map((bs) => bs.map((b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, classIndex: b.cls }))), grid, anchors, numClasses: classes, ignoreIou });
  const targets = e.tensor(t, [boxes.length, grid, grid, anchors.length, 6]);
  try {
    return multiboxLoss(e, pred, targets, o.lambdas ?? {});
  } finally {
    targets.dispose();
  }
}
