import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { normalizeImageReference } from './reference.js';
import { prepareNormalizeImage, type NormalizeImageAttrs, type NormalizeImageNorm } from './spec.js';
import { normalizeImageWasm } from './wasm.js';
import { normalizeImageWebGpu } from './webgpu.js';

export const normalizeImageOp = defineOp<NormalizeImageAttrs | undefined, NormalizeImageNorm>({
  name: 'normalizeImage',
  inputDTypes: ['u8'],
  prepare: prepareNormalizeImage,
  kernels: { reference: normalizeImageReference, webgpu: normalizeImageWebGpu, wasm: normalizeImageWasm },
});

/**
 * RGBA bytes (u8 [n, h, w, 4] or [h, w, 4], `engine.tensor(bytes, shape, 'u8')`) to f32 NHWC:
 * out = (v * scale - mean) / std per colour, 3 channels (alpha dropped) or 4, RGB or BGR order.
 */
export function normalizeImage(engine: Engine, rgba: Tensor, attrs?: NormalizeImageAttrs): Tensor {
  return engine.run1(normalizeImageOp, [rgba], attrs);
}
