import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { writeI32 } from '../wasm-util.js';
import type { PoolNorm } from './spec.js';

export function poolWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, PoolNorm>): void {
  const params = [a.n, a.h, a.w, a.c, a.oh, a.ow, a.kh, a.kw, a.sh, a.sw, a.dh, a.dw, a.padTop, a.padLeft, a.padH, a.padW, a.countIncludePad ? 1 : 0];
  be.withScratch([params.length], (ptr) => {
    writeI32(be, ptr, params);
    be.call(a.kind === 'max' ? 'maxpool_f32_nhwc_c16_simd' : 'avgpool_f32_nhwc_c16_simd', inputs[0]!.ptr, outputs[0]!.ptr, ptr);
  });
}
