import type { KernelArgs } from '../../runtime/op.js';
import { activateRef } from '../activation/spec.js';
import { poolReference } from '../pool/reference.js';
import type { Conv2dNorm } from './spec.js';

/** Direct convolution in f64, one output element at a time, then the fused epilogue (and the fused max pool). */
export function conv2dReference(_: unknown, args: KernelArgs<Float64Array, Conv2dNorm>): void {
  const { inputs, outputs, attrs: a } = args;
  const [x, f, bias, scale, shift, prelu, res] = inputs;
  const out = a.pool ? new Float64Array(a.n * a.oh * a.ow * a.cout) : outputs[0]!;
  for (let b = 0; b < a.n; b++) {
    for (let oy = 0; oy < a.oh; oy++) {
      for (let ox = 0; ox < a.ow; ox++) {
        for (let co = 0; co < a.cout; co++) {
          const g = Math.floor(co / a.coutG);
          let acc = 0;
          for (let ky = 0; ky < a.kh; ky++) {
            const iy = oy * a.sh - a.padT + ky * a.dh;
            if (iy < 0 || iy >= a.h) continue;
            for (let kx = 0; kx < a.kw; kx++) {
              const ix = ox * a.sw - a.padL + kx * a.dw;
              if (ix < 0 || ix >= a.w) continue;
              const xBase = ((b * a.h + iy) * a.w + ix) * a.cin + g * a.cinG;
              const fBase = (ky * a.kw + kx) * a.cinG * a.cout + co;
              for (let ci = 0; ci < a.cinG; ci++) {
                const v = x![xBase + ci]!;
                acc += (a.inputRelu ? Math.max(0, v) : v) * f![fBase + ci * a.cout]!;
              }
            }
          }
          if (bias) acc += bias[co]!;
          if (scale) acc *= scale[co]!;
          if (shift) acc += shift[co]!;
          const o = ((b * a.oh + oy) * a.ow + ox) * a.cout + co;
          if (res) acc += res[o]!;
          out[o] = activateRef(acc, a.activation, prelu ? prelu[co]! : a.alpha);
        }
      }
    }
  }
  if (a.pool) {
    const convShape = [a.n, a.oh, a.ow, a.cout];
    poolReference(_, { inputs: [out], inShapes: [convShape], outputs, outShapes: args.outShapes, attrs: a.pool });
  }
}
