import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { WarpAffineNorm } from './spec.js';

/** Output rows (k * outH) split over threads; out-of-image taps read a zeroed scratch block of c + 4 floats. */
export function warpAffineWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, WarpAffineNorm>): void {
  const { n, inH, inW, c, k, outH, outW, border } = attrs;
  const [x, m, out] = [inputs[0]!.ptr, inputs[1]!.ptr, outputs[0]!.ptr];
  be.withScratch([c + 4], (zeros) => {
    be.f32(zeros, c + 4).fill(0);
    be.parallel('warp_affine_rows_f32_nhwc_simd', k * outH, Math.ceil(16384 / (outW * c)), (first, count) => [
      x, m, out, n === 1 ? 0 : inH * inW, inH, inW, c, outH, outW, border === 'replicate' ? 1 : 0, zeros, first, count,
    ]);
  });
}
