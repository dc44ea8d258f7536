import type { KernelArgs } from '../../runtime/op.js';
import type { WarpAffineNorm } from './spec.js';

/** f64 reference: the sampling rule of spec.ts written out per output element. */
export function warpAffineReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, WarpAffineNorm>): void {
  const x = inputs[0]!;
  const m = inputs[1]!;
  const out = outputs[0]!;
  const { n, inH, inW, c, k, outH, outW, border } = attrs;
  /** Tap value: 0 outside with border 'zero', the nearest edge pixel with 'replicate'. */
  const tap = (base: number, y: number, xx: number, ch: number): number => {
    if (y < 0 || y >= inH || xx < 0 || xx >= inW) {
      if (border === 'zero') return 0;
      y = Math.min(Math.max(y, 0), inH - 1);
      xx = Math.min(Math.max(xx, 0), inW - 1);
    }
    return x[base + (y * inW + xx) * c + ch]!;
  };
  let o = 0;
  for (let b = 0; b < k; b++) {
    const [a0, a1, a2, a3, a4, a5] = m.subarray(6 * b, 6 * b + 6);
    const base = (n === 1 ? 0 : b) * inH * inW * c;
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        let sx = a0! * j + a1! * i + a2!;
        let sy = a3! * j + a4! * i + a5!;
        if (Number.isNaN(sx) || Number.isNaN(sy)) {
          for (let ch = 0; ch < c; ch++) out[o++] = 0;
          continue;
        }
        sx = Math.min(Math.max(sx, -2), inW + 1);
        sy = Math.min(Math.max(sy, -2), inH + 1);
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const wx = sx - x0;
        const wy = sy - y0;
        for (let ch = 0; ch < c; ch++) {
          const top = (1 - wx) * tap(base, y0, x0, ch) + wx * tap(base, y0, x0 + 1, ch);
          const bottom = (1 - wx) * tap(base, y0 + 1, x0, ch) + wx * tap(base, y0 + 1, x0 + 1, ch);
          out[o++] = (1 - wy) * top + wy * bottom;
        }
      }
    }
  }
}
