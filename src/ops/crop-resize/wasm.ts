import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { CropAndResizeNorm } from './spec.js';

/**
 * Column taps of every box into scratch (4 words a column), then the output rows (k * outH of them) split over
 * threads: each row range is an independent slice of the output.
 */
export function cropAndResizeWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, CropAndResizeNorm>): void {
  const { inH, inW, c, boxes, outH, outW, fill } = attrs;
  const [x, b, out] = [inputs[0]!.ptr, inputs[1]!.ptr, outputs[0]!.ptr];
  be.withScratch([boxes * outW * 4], (cols) => {
    be.call('crop_resize_cols_f32', b, boxes, outW, inW, c, cols);
    be.parallel('crop_resize_rows_f32_nhwc_simd', boxes * outH, Math.ceil(16384 / (outW * c)), (first, count) => [
      x, b, out, inH, inW, c, outH, outW, fill, cols, first, count,
    ]);
  });
}
