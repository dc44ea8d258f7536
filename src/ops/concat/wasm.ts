import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { ConcatNorm } from './spec.js';

export function concatWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, ConcatNorm>): void {
  const { outer, inners, offsets, innerOut } = attrs;
  const out = outputs[0]!;
  inputs.forEach((x, i) => {
    const inner = inners[i]!;
    if (inner === 0) return;
    // One row when the blocks are contiguous in the output too (a single input, or outer == 1).
    const rows = inner === innerOut ? 1 : outer;
    be.call('concat_f32_rows_simd', x!.ptr, out.ptr + offsets[i]! * 4, rows, rows === 1 ? inner * outer : inner, innerOut);
  });
}
