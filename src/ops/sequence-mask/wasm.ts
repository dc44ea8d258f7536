import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { SequenceMaskNorm } from './spec.js';

export function sequenceMaskWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, SequenceMaskNorm>): void {
  be.call('sequence_mask_f32', inputs[0]!.ptr, a.rows, a.features, a.maskValue, outputs[0]!.ptr, outputs[1]!.ptr);
}
