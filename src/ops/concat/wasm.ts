import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { ConcatNorm } from './spec.js';
import { copyRowsWasm } from '../copy-rows.js';

export function concatWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, ConcatNorm>): void {
  const { outer, inners, offsets, innerOut } = attrs;
  const out = outputs[0]!;
  inputs.forEach((x, i) => {
    const inner = inners[i]!;
    if (inner === 0) return;
    // One row when the blocks are contiguous in the output too (a single input, or outer == 1).
    const rows = inner === innerOut ? 1 : outer;
    copyRowsWasm(be, x!, out, { rows, inner: rows === 1 ? inner * outer : inner, srcStride: inner, srcOffset: 0, dstStride: innerOut, dstOffset: offsets[i]! });
  });
}
