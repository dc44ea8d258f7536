import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import type { EpilogueAttrs } from '../activation/spec.js';
import { matmulReference } from './reference.js';
import { prepareMatmul, type MatmulAttrs, type MatmulNorm } from './spec.js';
import { matmulWasm } from './wasm.js';
import { matmulWebGpu } from './webgpu.js';

export type { MatmulAttrs } from './spec.js';

/** Inputs [a, b, bias?, preluAlpha?]. */
export const matmulOp = defineOp<MatmulAttrs, MatmulNorm>({
  name: 'matmul',
  prepare: prepareMatmul,
  kernels: { reference: matmulReference, webgpu: matmulWebGpu, wasm: matmulWasm },
});

export interface MatmulExtras {
  /** [n], added to every row before the activation. */
  bias?: Tensor;
  /** [n], per-column slopes for activation 'prelu'. */
  preluAlpha?: Tensor;
}

/**
 * act(a @ b + bias): a [..., m, k], b [k, n] or [..., k, n], batch dims broadcast like numpy; transposeA /
 * transposeB read a as [..., k, m] / b as [..., n, k].
 */
export function matmul(engine: Engine, a: Tensor, b: Tensor, attrs: MatmulAttrs = {}, extras: MatmulExtras = {}): Tensor {
  return engine.run1(matmulOp, [a, b, extras.bias, extras.preluAlpha], attrs);
}

/** Keras Dense: act(x @ kernel + bias), x [..., k] (rank >= 2), kernel [k, n], bias [n]. */
export function dense(engine: Engine, x: Tensor, kernel: Tensor, bias?: Tensor, attrs: EpilogueAttrs = {}, preluAlpha?: Tensor): Tensor {
  return engine.run1(matmulOp, [x, kernel, bias, preluAlpha], attrs);
}
