import type { GpuStorage, WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { Engine } from '../../runtime/engine.js';
import { defineOp, type KernelArgs } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { dispatchRows } from '../softmax/webgpu.js';
import { l2NormalizeReference } from './reference.js';
import { prepareL2Normalize, type L2NormalizeAttrs, type L2NormalizeNorm } from './spec.js';

export type { L2NormalizeAttrs } from './spec.js';

function webgpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, L2NormalizeNorm>): void {
  dispatchRows(be, 'l2normalize', inputs[0]!, outputs[0]!, attrs, attrs.epsilon);
}

function wasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, L2NormalizeNorm>): void {
  be.call('l2normalize_f32_simd', inputs[0]!.ptr, outputs[0]!.ptr, attrs.outer, attrs.len, attrs.inner, attrs.epsilon);
}

export const l2NormalizeOp = defineOp<L2NormalizeAttrs, L2NormalizeNorm>({
  name: 'l2Normalize',
  prepare: prepareL2Normalize,
  kernels: { reference: l2NormalizeReference, webgpu, wasm },
});

/** x / sqrt(max(sum(x^2), epsilon)) along `axis` (default -1): face embeddings to unit length. */
export function l2Normalize(engine: Engine, x: Tensor, attrs: L2NormalizeAttrs = {}): Tensor {
  return engine.run1(l2NormalizeOp, [x], attrs);
}
