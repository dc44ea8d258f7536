import type { KernelArgs } from '../../runtime/op.js';
import type { SequenceMaskNorm } from './spec.js';

export function sequenceMaskReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, SequenceMaskNorm>): void {
  const x = inputs[0]!;
  const [y, mask] = outputs as [Float64Array, Float64Array];
  for (let r = 0; r < a.rows; r++) {
    let keep = false;
    for (let f = 0; f < a.features; f++) if (!(x[r * a.features + f] === a.maskValue)) keep = true;
    mask[r] = keep ? 1 : 0;
    for (let f = 0; f < a.features; f++) y[r * a.features + f] = keep ? x[r * a.features + f]! : 0;
  }
}
