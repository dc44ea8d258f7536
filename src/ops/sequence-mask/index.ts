import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { sequenceMaskReference } from './reference.js';
import { prepareSequenceMask, type SequenceMaskAttrs, type SequenceMaskNorm } from './spec.js';
import { sequenceMaskWasm } from './wasm.js';
import { sequenceMaskWebGpu } from './webgpu.js';

export type { SequenceMaskAttrs } from './spec.js';

/** Inputs [x]; outputs [x masked, mask]. */
export const sequenceMaskOp = defineOp<SequenceMaskAttrs, SequenceMaskNorm>({
  name: 'sequenceMask',
  prepare: prepareSequenceMask,
  kernels: { reference: sequenceMaskReference, wasm: sequenceMaskWasm, webgpu: sequenceMaskWebGpu },
});

/** Keras Masking: [x with masked steps zeroed, mask (1 keep, 0 masked) over the leading dims]. */
export function sequenceMask(engine: Engine, x: Tensor, attrs: SequenceMaskAttrs = {}): Tensor[] {
  return engine.run(sequenceMaskOp, [x], attrs);
}
