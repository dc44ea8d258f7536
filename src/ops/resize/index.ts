import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { resizeReference } from './reference.js';
import { prepareResize, type ResizeAttrs, type ResizeNorm } from './spec.js';
import { resizeWasm } from './wasm.js';
import { resizeWebGpu } from './webgpu.js';

export const resizeOp = defineOp<ResizeAttrs, ResizeNorm>({
  name: 'resize',
  prepare: prepareResize,
  kernels: { reference: resizeReference, webgpu: resizeWebGpu, wasm: resizeWasm },
});

/**
 * ONNX Resize (linear / nearest) of an NHWC tensor to `size` [outH, outW]. Defaults: bilinear, half_pixel (tfjs
 * resizeBilinear with halfPixelCenters), round_prefer_floor.
 */
export function resize(engine: Engine, x: Tensor, attrs: ResizeAttrs): Tensor {
  return engine.run1(resizeOp, [x], attrs);
}
