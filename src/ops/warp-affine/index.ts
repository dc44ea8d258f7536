import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { warpAffineReference } from './reference.js';
import { prepareWarpAffine, type WarpAffineAttrs, type WarpAffineNorm } from './spec.js';
import { warpAffineWasm } from './wasm.js';
import { warpAffineWebGpu } from './webgpu.js';

export { WARP_BORDERS, type WarpAffineAttrs, type WarpBorder } from './spec.js';

/** Inputs [image [n, H, W, C], transforms [k, 6] | [k, 2, 3]]. */
export const warpAffineOp = defineOp<WarpAffineAttrs, WarpAffineNorm>({
  name: 'warpAffine',
  prepare: prepareWarpAffine,
  kernels: { reference: warpAffineReference, webgpu: warpAffineWebGpu, wasm: warpAffineWasm },
});

/**
 * Chips [k, h, w, C] sampled bilinearly out of `image` [n, H, W, C] (n = 1, or n = k: chip b from image b), one
 * per row of `transforms` ([k, 6] or [k, 2, 3]): the inverse affine (a, b, c, d, e, f) taking output pixel (row
 * i, column j) to the source point (a j + b i + c, d j + e i + f), pixel centres at integer coordinates (OpenCV's
 * warpAffine with WARP_INVERSE_MAP). `border`: what taps outside the image read, 0 ('zero', default) or the edge
 * ('replicate').
 */
export function warpAffine(engine: Engine, image: Tensor, transforms: Tensor, attrs: WarpAffineAttrs): Tensor {
  return engine.run1(warpAffineOp, [image, transforms], attrs);
}
