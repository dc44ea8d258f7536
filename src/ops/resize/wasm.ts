import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { axisTaps, type ResizeNorm } from './spec.js';

/** Writes one axis' taps as (byte offset 0, byte offset 1, weight) triples; `stride` is bytes per source index. */
function writeTable(be: WasmBackend, ptr: number, taps: ReturnType<typeof axisTaps>, stride: number): void {
  const mem = be.exports.memory.buffer;
  const i32 = new Int32Array(mem, ptr, taps.w.length * 3);
  const f32 = new Float32Array(mem, ptr, taps.w.length * 3);
  for (let o = 0; o < taps.w.length; o++) {
    i32[3 * o] = taps.i0[o]! * stride;
    i32[3 * o + 1] = taps.i1[o]! * stride;
    f32[3 * o + 2] = taps.w[o]!;
  }
}

/** Tap tables for rows and columns once per call (scratch), then the SIMD kernel. */
export function resizeWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, ResizeNorm>): void {
  const { n, inH, inW, outH, outW, c, mode, nearestMode } = attrs;
  const rows = axisTaps(attrs.y, inH, outH, mode, nearestMode);
  const cols = axisTaps(attrs.x, inW, outW, mode, nearestMode);
  be.withScratch([outH * 3, outW * 3], (pr, pc) => {
    writeTable(be, pr, rows, inW * c * 4);
    writeTable(be, pc, cols, c * 4);
    const kernel = mode === 'nearest' ? 'resize_nearest_f32_nhwc_simd' : 'resize_bilinear_f32_nhwc_simd';
    be.call(kernel, inputs[0]!.ptr, outputs[0]!.ptr, n, inH, inW, outH, outW, c, pr, pc);
  });
}
