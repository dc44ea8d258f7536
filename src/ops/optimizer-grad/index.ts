import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { adamReference, sgdReference, sumSquaresReference } from './reference.js';
import { prepareAdam, prepareSgd, prepareSumSquares, type AdamAttrs, type AdamNorm, type SgdAttrs, type SgdNorm } from './spec.js';
import { adamWasm, sgdWasm, sumSquaresWasm } from './wasm.js';
import { adamWebGpu, sgdWebGpu, sumSquaresWebGpu } from './webgpu.js';

export type { AdamAttrs, SgdAttrs } from './spec.js';

/** In place: inputs [param, grad, m, v, normSq?]; output a [1] zero. */
export const adamUpdateOp = defineOp<AdamAttrs, AdamNorm>({
  name: 'adamUpdate',
  prepare: prepareAdam,
  kernels: { reference: adamReference, wasm: adamWasm, webgpu: adamWebGpu },
});

/** In place: inputs [param, grad, velocity?, normSq?]; output a [1] zero. */
export const sgdUpdateOp = defineOp<SgdAttrs, SgdNorm>({
  name: 'sgdUpdate',
  prepare: prepareSgd,
  kernels: { reference: sgdReference, wasm: sgdWasm, webgpu: sgdWebGpu },
});

/** Inputs [x, acc?]: output [1] = sum x^2, acc += it in place. */
export const sumSquaresOp = defineOp<Record<string, never>, { n: number; accumulate: boolean }>({
  name: 'sumSquares',
  prepare: prepareSumSquares,
  kernels: { reference: sumSquaresReference, wasm: sumSquaresWasm, webgpu: sumSquaresWebGpu },
});

/** One Adam step on `param` (and its slots m, v) IN PLACE. */
export function adamUpdate(engine: Engine, param: Tensor, grad: Tensor, m: Tensor, v: Tensor, attrs: AdamAttrs, normSq?: Tensor): void {
  engine.run1(adamUpdateOp, [param, grad, m, v, normSq], attrs).dispose();
}

/** One SGD step on `param` (and its velocity with momentum) IN PLACE. */
export function sgdUpdate(engine: Engine, param: Tensor, grad: Tensor, attrs: SgdAttrs, velocity?: Tensor, normSq?: Tensor): void {
  engine.run1(sgdUpdateOp, [param, grad, velocity, normSq], attrs).dispose();
}

/** sum x^2 as a [1] tensor; `acc` ([1]) is added to in place. */
export function sumSquares(engine: Engine, x: Tensor, acc?: Tensor): Tensor {
  return engine.run1(sumSquaresOp, [x, acc], {});
}
