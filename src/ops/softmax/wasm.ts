import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { AxisRows } from './spec.js';

export function softmaxWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, AxisRows>): void {
  be.call('softmax_f32_simd', inputs[0]!.ptr, outputs[0]!.ptr, attrs.outer, attrs.len, attrs.inner);
}
