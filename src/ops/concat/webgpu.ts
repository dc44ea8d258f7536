import type { GpuStorage, WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { ConcatNorm } from './spec.js';
import { copyRowsWebGpu } from '../copy-rows.js';

/** At most this many blocks per input go as buffer copies (no shader); more take one dispatch per input. */
const MAX_COPIES = 4;

export function concatWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, ConcatNorm>): void {
  const { outer, inners, offsets, innerOut } = attrs;
  const out = outputs[0]!;
  inputs.forEach((x, i) => {
    const inner = inners[i]!;
    const offset = offsets[i]!;
    if (inner === 0) return;
    if (inner === innerOut) {
      // The only non-empty input: one contiguous copy.
      be.copy(x!, 0, out, 0, inner * outer);
      return;
    }
    if (outer <= MAX_COPIES) {
      // Few contiguous blocks (axis 0, or leading dims of 1): plain buffer-to-buffer copies.
      for (let o = 0; o < outer; o++) be.copy(x!, o * inner, out, o * innerOut + offset, inner);
      return;
    }
    copyRowsWebGpu(be, x!, out, { rows: outer, inner, srcStride: inner, srcOffset: 0, dstStride: innerOut, dstOffset: offset });
  });
}
