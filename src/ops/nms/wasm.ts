import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { NmsNorm } from './spec.js';

/**
 * Scratch: candidate indices and a merge-sort buffer (2n), the sorted candidates' boxes as five SoA planes
 * (x0, y0, x1, y1, area) plus their current scores (6n), and the selected boxes' five planes (5 * maxBoxes).
 */
export function nmsWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, NmsNorm>): void {
  const { n, k, maxBoxes } = attrs;
  const sel = Math.ceil(maxBoxes / 4) * 4;
  be.withScratch([2 * n, 6 * n, 5 * sel], (idx, planes, selPlanes) => {
    be.call(
      'nms_f32_simd',
      inputs[0]!.ptr,
      inputs[1]?.ptr ?? 0,
      n,
      k,
      attrs.scoreCol,
      maxBoxes,
      attrs.iouThreshold,
      attrs.scoreThreshold,
      attrs.softNmsSigma > 0 ? -0.5 / attrs.softNmsSigma : 0,
      outputs[0]!.ptr,
      attrs.outCols,
      idx,
      planes,
      selPlanes,
    );
  });
}
