import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { padReference } from './reference.js';
import { preparePad, type PadAttrs, type PadNorm } from './spec.js';
import { padWasm } from './wasm.js';
import { padWebGpu } from './webgpu.js';

export const padOp = defineOp<PadAttrs, PadNorm>({
  name: 'pad',
  prepare: preparePad,
  kernels: { reference: padReference, webgpu: padWebGpu, wasm: padWasm },
});

/** Pads any rank 1..6 tensor: one [before, after] pair per dim, constant (value), reflect or edge. */
export function pad(engine: Engine, x: Tensor, attrs: PadAttrs): Tensor {
  return engine.run1(padOp, [x], attrs);
}
