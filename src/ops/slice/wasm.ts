import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { SliceChannelsNorm } from './spec.js';

export function sliceChannelsWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, SliceChannelsNorm>): void {
  // The whole row when nothing is cut: one contiguous copy.
  const whole = a.size === a.channels;
  be.call('slice_f32_rows_simd', inputs[0]!.ptr + a.start * 4, outputs[0]!.ptr, whole ? 1 : a.rows, whole ? a.rows * a.size : a.size, a.channels);
}
