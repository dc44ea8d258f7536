import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { writeI32 } from '../wasm-util.js';
import type { Conv2dNorm } from './spec.js';

/** Param block layout read by assembly/conv2d.ts (P_* indices there). */
function paramList(a: Conv2dNorm): number[] {
  // A 1x1 stride-1 unpadded conv is a GEMM over all pixels: run it as one output row of n*h*w pixels, so the
  // 4-pixel tiles never stop at image row ends.
  const flat = a.kh === 1 && a.kw === 1 && a.sh === 1 && a.sw === 1 && a.padT + a.padB + a.padL + a.padR === 0;
  const [n, h, w, oh, ow] = flat ? [1, 1, a.n * a.h * a.w, 1, a.n * a.h * a.w] : [a.n, a.h, a.w, a.oh, a.ow];
  return [n, h, w, a.cin, oh, ow, a.cout, a.kh, a.kw, a.sh, a.sw, a.dh, a.dw, a.padT, a.padL, a.groups, a.cinG, a.coutG, a.code];
}

export function conv2dWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, Conv2dNorm>): void {
  const [x, f, bias, scale, shift, prelu] = inputs;
  const params = paramList(a);
  const extras = [bias?.ptr ?? 0, scale?.ptr ?? 0, shift?.ptr ?? 0, prelu?.ptr ?? 0] as const;
  if (a.depthwise) {
    be.withScratch([params.length], (p) => {
      writeI32(be, p, params);
      be.call('conv2d_f32_nhwc_dw_simd', x!.ptr, f!.ptr, outputs[0]!.ptr, p, ...extras, a.alpha);
    });
    return;
  }
  const packed = be.call('conv2d_packed_size', a.kh, a.kw, a.cinG, a.cout, a.groups);
  be.withScratch([params.length, packed], (p, pk) => {
    writeI32(be, p, params);
    be.call('conv2d_pack_filter', f!.ptr, pk, a.kh, a.kw, a.cinG, a.cout, a.groups);
    be.call('conv2d_f32_nhwc_4x8_simd', x!.ptr, pk, outputs[0]!.ptr, p, ...extras, a.alpha);
  });
}
