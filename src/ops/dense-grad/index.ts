import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { denseGradReference } from './reference.js';
import { prepareDenseGrad, type DenseGradAttrs, type DenseGradNorm } from './spec.js';
import { denseGradWasm } from './wasm.js';
import { denseGradWebGpu } from './webgpu.js';

export type { DenseGradAttrs, DenseGradActivation } from './spec.js';

/** Inputs [x, kernel, y?, dy]; outputs [dKernel, dBias, dx]. */
export const denseGradOp = defineOp<DenseGradAttrs, DenseGradNorm>({
  name: 'denseGrad',
  prepare: prepareDenseGrad,
  kernels: { reference: denseGradReference, wasm: denseGradWasm, webgpu: denseGradWebGpu },
});

/**
 * Backward of Keras Dense y = act(x @ kernel + bias) given dy: [dKernel, dBias, dx]. y (the forward output) is
 * needed unless the activation is linear.
 */
export function denseGrad(engine: Engine, x: Tensor, kernel: Tensor, y: Tensor | undefined, dy: Tensor, attrs: DenseGradAttrs = {}): Tensor[] {
  return engine.run(denseGradOp, [x, kernel, y, dy], attrs);
}
