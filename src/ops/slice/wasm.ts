import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { SliceChannelsNorm } from './spec.js';
import { copyRowsWasm } from '../copy-rows.js';

export function sliceChannelsWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, SliceChannelsNorm>): void {
  // The whole row when nothing is cut: one contiguous copy.
  const whole = a.size === a.channels;
  copyRowsWasm(be, inputs[0]!, outputs[0]!, { rows: whole ? 1 : a.rows, inner: whole ? a.rows * a.size : a.size, srcStride: a.channels, srcOffset: a.start, dstStride: a.size, dstOffset: 0 });
}
