import { checkKeys } from '../../runtime/attrs.js';
import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { conv2dReference } from './reference.js';
import { prepareConv2d, type Conv2dAttrs, type Conv2dNorm } from './spec.js';
import { conv2dWasm } from './wasm.js';
import { conv2dWebGpu } from './webgpu.js';

export type { Conv2dAttrs, Conv2dNorm, Conv2dPadding } from './spec.js';

/** Tensors fused into the conv: y = act(((conv + bias) * bnScale) + bnShift + residual). */
export interface Conv2dExtras {
  bias?: Tensor;
  bnScale?: Tensor;
  bnShift?: Tensor;
  /** Slopes for activation 'prelu', one per output channel. */
  preluAlpha?: Tensor;
  /** Added before the activation (a ResNet / dense-block shortcut), shape [n, oh, ow, cout]; not with maxPool. */
  residual?: Tensor;
}

/** Inputs: [x NHWC, filter HWIO, bias?, bnScale?, bnShift?, preluAlpha?, residual?]. */
export const conv2dOp = defineOp<Conv2dAttrs, Conv2dNorm>({
  name: 'conv2d',
  prepare: prepareConv2d,
  kernels: { reference: conv2dReference, webgpu: conv2dWebGpu, wasm: conv2dWasm },
});

/**
 * 2-D convolution, x NHWC `[n, h, w, cin]`, filter HWIO `[kh, kw, cin / groups, cout]` (tfjs layout), with an
 * optional fused epilogue (bias, folded batch-norm, activation). groups = cin is depthwise.
 */
export function conv2d(engine: Engine, x: Tensor, filter: Tensor, attrs: Conv2dAttrs = {}, extras: Conv2dExtras = {}): Tensor {
  checkKeys('conv2d', extras, ['bias', 'bnScale', 'bnShift', 'preluAlpha', 'residual']);
  return engine.run1(conv2dOp, [x, filter, extras.bias, extras.bnScale, extras.bnShift, extras.preluAlpha, extras.residual], attrs);
}
