import type { KernelArgs } from '../../runtime/op.js';
import type { L2NormalizeNorm } from './spec.js';

/** x / sqrt(max(sum(x^2), epsilon)) over each row. */
export function l2NormalizeReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, L2NormalizeNorm>): void {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const { outer, len, inner, epsilon } = attrs;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (i: number) => (o * len + i) * inner + j;
      let ss = 0;
      for (let i = 0; i < len; i++) ss += x[at(i)]! ** 2;
      const scale = 1 / Math.sqrt(Math.max(ss, epsilon));
      for (let i = 0; i < len; i++) out[at(i)] = x[at(i)]! * scale;
    }
  }
}
