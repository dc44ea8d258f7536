import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import type { ConvGeom } from '../conv2d-grad/spec.js';
import { convTranspose2dBackpropFilterReference, convTranspose2dReference } from './reference.js';
import {
  prepareConvTranspose2d,
  prepareConvTranspose2dBackpropFilter,
  type ConvTranspose2dAttrs,
  type ConvTranspose2dBackpropFilterAttrs,
  type ConvTranspose2dNorm,
} from './spec.js';
import { convTranspose2dBackpropFilterWasm, convTranspose2dWasm } from './wasm.js';
import { convTranspose2dBackpropFilterWebGpu, convTranspose2dWebGpu } from './webgpu.js';

export { convTranspose2dInputGradAttrs, type ConvTranspose2dAttrs, type ConvTranspose2dBackpropFilterAttrs } from './spec.js';

/** Inputs [x, filter, bias?]; output y. */
export const convTranspose2dOp = defineOp<ConvTranspose2dAttrs, ConvTranspose2dNorm>({
  name: 'convTranspose2d',
  prepare: prepareConvTranspose2d,
  kernels: { reference: convTranspose2dReference, wasm: convTranspose2dWasm, webgpu: convTranspose2dWebGpu },
});

/** Inputs [x, dy]; output dW. */
export const convTranspose2dBackpropFilterOp = defineOp<ConvTranspose2dBackpropFilterAttrs, ConvGeom>({
  name: 'convTranspose2dBackpropFilter',
  prepare: prepareConvTranspose2dBackpropFilter,
  kernels: { reference: convTranspose2dBackpropFilterReference, wasm: convTranspose2dBackpropFilterWasm, webgpu: convTranspose2dBackpropFilterWebGpu },
});

/**
 * Transposed 2-D convolution (ONNX ConvTranspose, groups = 1): x NHWC [n, h, w, cin], filter [kh, kw, cout, cin],
 * optional bias [cout] and fused activation.
 *
 * It is exactly conv2dBackpropInput of the conv2d that maps y back to x with the same filter (read as HWIO
 * [kh, kw, cout, cin]). So its backward, for y = convTranspose2d(x, W) and upstream dy:
 *   dx = conv2d(dy, W, convTranspose2dInputGradAttrs(x.shape, W.shape, attrs))   (same filter, no flip)
 *   dW = conv2dBackpropFilter(x := dy, dy := x) = convTranspose2dBackpropFilter(x, dy)
 *   db = biasGrad(dy)   (after activationGrad when an activation is fused)
 */
export function convTranspose2d(engine: Engine, x: Tensor, filter: Tensor, bias?: Tensor, attrs: ConvTranspose2dAttrs = {}): Tensor {
  return engine.run1(convTranspose2dOp, [x, filter, bias], attrs);
}

/**
 * Filter gradient of convTranspose2d: x its input [n, h, w, cin], dy its output's gradient [n, oh, ow, cout];
 * attrs = the forward's geometry plus filterShape [kh, kw, cout, cin]. Computed as conv2dBackpropFilter with the
 * roles swapped (the transposed conv's output plays the conv input, its input the conv output gradient).
 */
export function convTranspose2dBackpropFilter(engine: Engine, x: Tensor, dy: Tensor, attrs: ConvTranspose2dBackpropFilterAttrs): Tensor {
  return engine.run1(convTranspose2dBackpropFilterOp, [x, dy], attrs);
}
