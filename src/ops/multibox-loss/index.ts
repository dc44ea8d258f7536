import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { multiboxLossReference } from './reference.js';
import { prepareMultiboxLoss, type MultiboxLossAttrs, type MultiboxLossNorm } from './spec.js';
import { multiboxLossWasm } from './wasm.js';
import { multiboxLossWebGpu } from './webgpu.js';

export type { MultiboxLossAttrs } from './spec.js';
export { encodeMultiboxTargets, shapeIou, type MultiboxBox, type MultiboxEncodeOptions } from './encode.js';

/** Inputs [pred, targets]; outputs [lossSums [4], dPred]. */
export const multiboxLossOp = defineOp<MultiboxLossAttrs, MultiboxLossNorm>({
  name: 'multiboxLoss',
  prepare: prepareMultiboxLoss,
  kernels: { reference: multiboxLossReference, wasm: multiboxLossWasm, webgpu: multiboxLossWebGpu },
});

/**
 * MultiBox (YOLO grid) loss and its gradient in one pass: pred [n, S, S, A * (5 + C)] the raw head output,
 * targets [n, S, S, A, 6] from encodeMultiboxTargets. Returns [lossSums [4] = (total, obj, box, cls) summed over
 * the batch, dPred = gradient of total / n]. See MultiboxLossAttrs for the terms.
 */
export function multiboxLoss(engine: Engine, pred: Tensor, targets: Tensor, attrs: MultiboxLossAttrs = {}): [Tensor, Tensor] {
  const [sums, dPred] = engine.run(multiboxLossOp, [pred, targets], attrs);
  return [sums!, dPred!];
}
