import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { imageTextureReference } from './reference.js';
import { prepareImageTexture, type ImageTextureAttrs, type ImageTextureNorm } from './spec.js';
import { imageTextureWasm } from './wasm.js';
import { imageTextureWebGpu } from './webgpu.js';

export type { ImageTextureAttrs, TextureImage } from './spec.js';

/** Not in the op registry: its input is an image (a GPU texture), not a tensor, so no conformance case can hold it. */
export const imageTextureOp = defineOp<ImageTextureAttrs, ImageTextureNorm>({
  name: 'imageTexture',
  prepare: prepareImageTexture,
  kernels: { reference: imageTextureReference, webgpu: imageTextureWebGpu, wasm: imageTextureWasm },
});

/**
 * An uploaded image (WebGpuBackend.uploadImage) as a [1, H, W, 3] f32 network input in one kernel: zero padding
 * to a square at the bottom / right or none, bilinear resize, (v - mean) / std. preprocessImage's texture path.
 */
export function imageTexture(engine: Engine, attrs: ImageTextureAttrs): Tensor {
  return engine.run1(imageTextureOp, [], attrs);
}
