import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { detectionHeadReference } from './reference.js';
import { prepareDetectionHead, type DetectionHeadAttrs, type DetectionHeadNorm } from './spec.js';
import { detectionHeadWasm } from './wasm.js';
import { detectionHeadWebGpu } from './webgpu.js';

export type { DetectionHeadAttrs, ClassActivation } from './spec.js';

export const detectionHeadOp = defineOp<DetectionHeadAttrs, DetectionHeadNorm>({
  name: 'detectionHead',
  prepare: prepareDetectionHead,
  kernels: { reference: detectionHeadReference, webgpu: detectionHeadWebGpu, wasm: detectionHeadWasm },
});

/**
 * Decodes a YOLO grid [n, H, W, A * (5 + C)] into boxes [n, H * W * A, 5 + C]: x0, y0, x1, y1 (normalised to the
 * network input), objectness (sigmoid), class scores (softmax by default).
 */
export function detectionHead(engine: Engine, grid: Tensor, attrs: DetectionHeadAttrs): Tensor {
  return engine.run1(detectionHeadOp, [grid], attrs);
}
