import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { writeI32 } from '../wasm-util.js';
import { PAD_MODE_CODE, type PadNorm } from './spec.js';

export function padWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, PadNorm>): void {
  const params = [attrs.dims.length, PAD_MODE_CODE[attrs.mode], ...attrs.dims, ...attrs.dimsBefore, ...attrs.dimsOut];
  be.withScratch([params.length], (ptr) => {
    writeI32(be, ptr, params);
    be.call('pad_f32_nd_simd', inputs[0]!.ptr, outputs[0]!.ptr, ptr, attrs.value);
  });
}
