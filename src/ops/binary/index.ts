import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { binaryReference } from './reference.js';
import { prepareBinary, type BinaryAttrs, type BinaryNorm } from './spec.js';
import { binaryWasm } from './wasm.js';
import { binaryWebGpu } from './webgpu.js';

export const binaryOp = defineOp<BinaryAttrs, BinaryNorm>({
  name: 'binary',
  prepare: prepareBinary,
  kernels: { reference: binaryReference, webgpu: binaryWebGpu, wasm: binaryWasm },
});

/** a + b with numpy broadcasting. */
export function add(engine: Engine, a: Tensor, b: Tensor): Tensor {
  return engine.run1(binaryOp, [a, b], { kind: 'add' });
}

/** a * b with numpy broadcasting. */
export function mul(engine: Engine, a: Tensor, b: Tensor): Tensor {
  return engine.run1(binaryOp, [a, b], { kind: 'mul' });
}
