import type { KernelArgs } from '../../runtime/op.js';
import type { NormalizeImageNorm } from './spec.js';

/** The reference backend holds u8 tensors one value (0..255) per element: out = (v * scale - mean) / std. */
export function normalizeImageReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, NormalizeImageNorm>): void {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const { pixels, channels, src, scale, mean, std } = attrs;
  for (let p = 0; p < pixels; p++) {
    for (let j = 0; j < channels; j++) {
      const s = src[j]!;
      out[p * channels + j] = (x[p * 4 + s]! * scale - mean[s]!) / std[s]!;
    }
  }
}
