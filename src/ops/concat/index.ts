import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { concatReference } from './reference.js';
import { prepareConcat, type ConcatAttrs, type ConcatNorm } from './spec.js';
import { concatWasm } from './wasm.js';
import { concatWebGpu } from './webgpu.js';

export const concatOp = defineOp<ConcatAttrs | undefined, ConcatNorm>({
  name: 'concat',
  prepare: prepareConcat,
  kernels: { reference: concatReference, webgpu: concatWebGpu, wasm: concatWasm },
});

/** Joins tensors along `axis` (default -1); every other dim must match. */
export function concat(engine: Engine, tensors: readonly Tensor[], attrs?: ConcatAttrs): Tensor {
  return engine.run1(concatOp, tensors, attrs ?? {});
}
