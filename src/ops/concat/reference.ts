import type { KernelArgs } from '../../runtime/op.js';
import type { ConcatNorm } from './spec.js';

/** Copies each input's block of every outer index into its slot of the output block. */
export function concatReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, ConcatNorm>): void {
  const out = outputs[0]!;
  const { outer, inners, offsets, innerOut } = attrs;
  inputs.forEach((x, i) => {
    const n = inners[i]!;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) out[o * innerOut + offsets[i]! + j] = x![o * n + j]!;
    }
  });
}
