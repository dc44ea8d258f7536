import type { KernelArgs } from '../../runtime/op.js';
import type { AxisRows } from './spec.js';

/** exp(x - max) / sum over each row: the max shift keeps exp from overflowing (softmax is shift invariant). */
export function softmaxReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, AxisRows>): void {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const { outer, len, inner } = attrs;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (i: number) => (o * len + i) * inner + j;
      let max = -Infinity;
      for (let i = 0; i < len; i++) max = Math.max(max, x[at(i)]!);
      let sum = 0;
      for (let i = 0; i < len; i++) sum += out[at(i)] = Math.exp(x[at(i)]! - max);
      for (let i = 0; i < len; i++) out[at(i)]! /= sum;
    }
  }
}
