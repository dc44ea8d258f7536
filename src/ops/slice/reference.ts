import type { KernelArgs } from '../../runtime/op.js';
import type { SliceChannelsNorm } from './spec.js';

export function sliceChannelsReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, SliceChannelsNorm>): void {
  const x = inputs[0]!;
  const y = outputs[0]!;
  for (let r = 0; r < a.rows; r++) for (let c = 0; c < a.size; c++) y[r * a.size + c] = x[r * a.channels + a.start + c]!;
}
