import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { cropAndResizeReference } from './reference.js';
import { prepareCropAndResize, type CropAndResizeAttrs, type CropAndResizeNorm } from './spec.js';
import { cropAndResizeWasm } from './wasm.js';
import { cropAndResizeWebGpu } from './webgpu.js';

export type { CropAndResizeAttrs } from './spec.js';

/** Inputs [image [1, H, W, C], boxes [k, 4]]. */
export const cropAndResizeOp = defineOp<CropAndResizeAttrs, CropAndResizeNorm>({
  name: 'cropAndResize',
  prepare: prepareCropAndResize,
  kernels: { reference: cropAndResizeReference, webgpu: cropAndResizeWebGpu, wasm: cropAndResizeWasm },
});

/**
 * Bilinear crops of `boxes` ([k, 4] rows x0, y0, x1, y1 in pixels, edges: (0, 0, W, H) is the whole image) out of
 * `image` [1, H, W, C], each resized to `size` [h, w]: [k, h, w, C]. Samples past the image border get
 * `extrapolationValue` (default 0). Half-pixel sampling, as canvas drawImage.
 */
export function cropAndResize(engine: Engine, image: Tensor, boxes: Tensor, attrs: CropAndResizeAttrs): Tensor {
  return engine.run1(cropAndResizeOp, [image, boxes], attrs);
}
