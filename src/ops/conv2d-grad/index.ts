import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { activationGradReference, biasGradReference, conv2dBackpropFilterReference, conv2dBackpropInputReference } from './reference.js';
import {
  prepareActivationGrad,
  prepareBiasGrad,
  prepareConv2dBackpropFilter,
  prepareConv2dBackpropInput,
  type ActivationGradAttrs,
  type ActivationGradNorm,
  type BiasGradNorm,
  type Conv2dBackpropFilterAttrs,
  type Conv2dBackpropInputAttrs,
  type ConvGeom,
} from './spec.js';
import { activationGradWasm, biasGradWasm, conv2dBackpropFilterWasm, conv2dBackpropInputWasm } from './wasm.js';
import { activationGradWebGpu, biasGradWebGpu, conv2dBackpropFilterWebGpu, conv2dBackpropInputWebGpu } from './webgpu.js';

export type { ActivationGradAttrs, ActivationGradActivation, Conv2dBackpropFilterAttrs, Conv2dBackpropInputAttrs, Conv2dGradAttrs, ConvGeom } from './spec.js';

/** Inputs [dy, filter]; output dx. */
export const conv2dBackpropInputOp = defineOp<Conv2dBackpropInputAttrs, ConvGeom>({
  name: 'conv2dBackpropInput',
  prepare: prepareConv2dBackpropInput,
  kernels: { reference: conv2dBackpropInputReference, wasm: conv2dBackpropInputWasm, webgpu: conv2dBackpropInputWebGpu },
});

/** Inputs [x, dy]; output dW. */
export const conv2dBackpropFilterOp = defineOp<Conv2dBackpropFilterAttrs, ConvGeom>({
  name: 'conv2dBackpropFilter',
  prepare: prepareConv2dBackpropFilter,
  kernels: { reference: conv2dBackpropFilterReference, wasm: conv2dBackpropFilterWasm, webgpu: conv2dBackpropFilterWebGpu },
});

/** Input [dy]; output [c]. */
export const biasGradOp = defineOp<object, BiasGradNorm>({
  name: 'biasGrad',
  prepare: prepareBiasGrad,
  kernels: { reference: biasGradReference, wasm: biasGradWasm, webgpu: biasGradWebGpu },
});

/** Inputs [dy, y]; output dpre. */
export const activationGradOp = defineOp<ActivationGradAttrs, ActivationGradNorm>({
  name: 'activationGrad',
  prepare: prepareActivationGrad,
  kernels: { reference: activationGradReference, wasm: activationGradWasm, webgpu: activationGradWebGpu },
});

/**
 * Gradient of conv2d (groups = 1) with respect to its input: dx [n, h, w, cin] from dy [n, oh, ow, cout] and the
 * filter HWIO [kh, kw, cin, cout]; attrs = the forward conv's strides / padding / dilations plus its inputShape.
 */
export function conv2dBackpropInput(engine: Engine, dy: Tensor, filter: Tensor, attrs: Conv2dBackpropInputAttrs): Tensor {
  return engine.run1(conv2dBackpropInputOp, [dy, filter], attrs);
}

/**
 * Gradient of conv2d (groups = 1) with respect to its filter: dW HWIO (attrs.filterShape) from the forward input
 * x and dy, summed over the batch.
 */
export function conv2dBackpropFilter(engine: Engine, x: Tensor, dy: Tensor, attrs: Conv2dBackpropFilterAttrs): Tensor {
  return engine.run1(conv2dBackpropFilterOp, [x, dy], attrs);
}

/** Bias gradient: dy [..., c] summed over every axis but the last -> [c]. */
export function biasGrad(engine: Engine, dy: Tensor): Tensor {
  return engine.run1(biasGradOp, [dy], {});
}

/**
 * Backward of a fused activation from the layer's OUTPUT y = act(pre): dpre = dy * act'(pre), act' written in y
 * (relu: y > 0; leakyRelu: y >= 0 ? 1 : alpha; sigmoid: y (1 - y); tanh: 1 - y^2; linear: 1).
 */
export function activationGrad(engine: Engine, dy: Tensor, y: Tensor, attrs: ActivationGradAttrs): Tensor {
  return engine.run1(activationGradOp, [dy, y], attrs);
}
