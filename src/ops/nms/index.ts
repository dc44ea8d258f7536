import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { nmsReference } from './reference.js';
import { prepareNms, type NmsAttrs, type NmsNorm } from './spec.js';
import { nmsWasm } from './wasm.js';
import { nmsWebGpu } from './webgpu.js';

export type { NmsAttrs, NmsOutput } from './spec.js';
export { nonMaxSuppression, boxIou, type NmsOptions, type NmsResult } from './host.js';

export const nmsOp = defineOp<NmsAttrs, NmsNorm>({
  name: 'nms',
  prepare: prepareNms,
  kernels: { reference: nmsReference, webgpu: nmsWebGpu, wasm: nmsWasm },
});

/**
 * Greedy non-maximum suppression on the device, as tfjs's nonMaxSuppression (with softNmsSigma: its Soft-NMS).
 * boxes [n, 4+] (x0, y0, x1, y1, ...), scores [n] or, when omitted, column 4 of the boxes. Returns [maxBoxes]
 * selected indices (f32, -1 padded), or with `output: 'rows'` [maxBoxes, 2 + k] rows (index, score, box row).
 */
export function nms(engine: Engine, boxes: Tensor, scores: Tensor | undefined, attrs: NmsAttrs): Tensor {
  return engine.run1(nmsOp, scores ? [boxes, scores] : [boxes], attrs);
}
