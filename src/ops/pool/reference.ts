import type { KernelArgs } from '../../runtime/op.js';
import type { PoolNorm } from './spec.js';

/**
 * Max / average pooling in f64, tap by tap: padded taps are skipped (they never win a max); the average divides
 * by the number of real taps, or with countIncludePad by the taps inside the padded input.
 */
export function poolReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, PoolNorm>): void {
  const x = inputs[0]!;
  const out = outputs[0]!;
  for (let b = 0; b < a.n; b++) {
    for (let oy = 0; oy < a.oh; oy++) {
      for (let ox = 0; ox < a.ow; ox++) {
        const y0 = oy * a.sh - a.padTop;
        const x0 = ox * a.sw - a.padLeft;
        for (let ch = 0; ch < a.c; ch++) {
          let acc = a.kind === 'max' ? -Infinity : 0;
          let valid = 0;
          let inPad = 0;
          for (let ky = 0; ky < a.kh; ky++) {
            const iy = y0 + ky * a.dh;
            for (let kx = 0; kx < a.kw; kx++) {
              const ix = x0 + kx * a.dw;
              if (iy < a.padH && ix < a.padW) inPad++;
              if (iy < 0 || iy >= a.h || ix < 0 || ix >= a.w) continue;
              const v = x[((b * a.h + iy) * a.w + ix) * a.c + ch]!;
              acc = a.kind === 'max' ? Math.max(acc, v) : acc + v;
              valid++;
            }
          }
          if (a.kind === 'avg') acc /= a.countIncludePad ? inPad : valid;
          out[((b * a.oh + oy) * a.ow + ox) * a.c + ch] = acc;
        }
      }
    }
  }
}
