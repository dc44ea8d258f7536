import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { batchOffsets, type MatmulNorm } from './spec.js';

/**
 * m >= 4: pack B into 16-column panels (once per distinct B batch), then the 2 x 16 microkernel. Small m reads B in
 * place (packing would cost as much as the product): row kernel, or dot products for a transposed B.
 */
export function matmulWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, MatmulNorm>): void {
  const [a, b, bias, prelu] = inputs;
  const { m, n, k, transposeA: TA, transposeB: TB } = attrs;
  const c = outputs[0]!;
  const biasP = bias?.ptr ?? 0;
  const preluP = attrs.activation === 'prelu' ? prelu!.ptr : 0;
  const epi = [biasP, attrs.code, attrs.alpha, preluP] as const;
  const cBytes = m * n * 4;
  if (m < 4 && (m === 1 || !TA)) {
    for (let z = 0; z < attrs.batch; z++) {
      const [oa, ob] = batchOffsets(attrs, z);
      const pa = a!.ptr + oa * 4;
      const pb = b!.ptr + ob * 4;
      const pc = c.ptr + z * cBytes;
      if (TB) be.call('gemm_f32_nt_dot_simd', pa, pb, pc, m, n, k, ...epi);
      else be.call('gemm_f32_1x16_simd', pa, k * 4, (TA ? m : 1) * 4, pb, pc, m, n, k, ...epi);
    }
    return;
  }
  be.withScratch([Math.ceil(n / 16) * 16 * k], (panels) => {
    let packed = -1;
    for (let z = 0; z < attrs.batch; z++) {
      const [oa, ob] = batchOffsets(attrs, z);
      if (ob !== packed) {
        be.call('gemm_f32_pack_b_x16', b!.ptr + ob * 4, k, n, TB ? 1 : 0, panels);
        packed = ob;
      }
      const pa = a!.ptr + oa * 4;
      const pc = c.ptr + z * cBytes;
      if (TA) {
        be.call('gemm_f32_2x16_ta_simd', pa, panels, pc, m, n, k, ...epi);
        continue;
      }
      // Rows split over threads in blocks of 4; every C element is one sequential sum over k (2x16 tile or the
      // odd last row's 1x16 tail alike), so results are bit-identical to one thread whatever the split.
      const blocks = Math.ceil(m / 4);
      be.parallel('gemm_f32_2x16_simd', blocks, Math.max(1, Math.ceil(4096 / Math.max(1, n * k / 64))), (first, count) => {
        const r0 = first * 4;
        const rows = Math.min(m, (first + count) * 4) - r0;
        return [pa + r0 * k * 4, panels, pc + r0 * n * 4, rows, n, k, ...epi];
      });
    }
  });
}
