import type { KernelArgs } from '../../runtime/op.js';
import { denseActGradRef } from '../dense-grad/reference.js';
import type { ActivationGradNorm, BiasGradNorm, ConvGeom } from './spec.js';

/**
 * The forward conv's window walk, as its reference loop nest: every (output pixel, filter tap) pair whose input
 * pixel is inside the image, with dy's pixel offset d, x's pixel offset xo and the tap's filter offset fo.
 */
function forEachTap(g: ConvGeom, visit: (d: number, xo: number, fo: number) => void): void {
  const { n, h, w, cin, oh, ow, cout, kh, kw } = g;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const d = ((b * oh + oy) * ow + ox) * cout;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * g.sh - g.padT + ky * g.dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * g.sw - g.padL + kx * g.dw;
            if (ix < 0 || ix >= w) continue;
            visit(d, ((b * h + iy) * w + ix) * cin, (ky * kw + kx) * cin * cout);
          }
        }
      }
}

/**
 * dx [n, h, w, cin] += dy [n, oh, ow, cout] . W [kh, kw, cin, cout] scattered through the forward conv's window:
 * each dy pixel adds its contribution to every input pixel it read, the textbook adjoint of conv2d's reference.
 */
export function backpropInputRef(dy: Float64Array, W: Float64Array, dx: Float64Array, g: ConvGeom): void {
  const { cin, cout } = g;
  dx.fill(0);
  forEachTap(g, (d, xo, fo) => {
    for (let ci = 0; ci < cin; ci++) {
      let s = 0;
      for (let co = 0; co < cout; co++) s += dy[d + co]! * W[fo + ci * cout + co]!;
      dx[xo + ci]! += s;
    }
  });
}

/** dW [kh, kw, cin, cout] = sum over batch and output pixels of x (at the tap's input pixel) * dy. */
export function backpropFilterRef(x: Float64Array, dy: Float64Array, dW: Float64Array, g: ConvGeom): void {
  const { cin, cout } = g;
  dW.fill(0);
  forEachTap(g, (d, xo, fo) => {
    for (let ci = 0; ci < cin; ci++) {
      const xv = x[xo + ci]!;
      for (let co = 0; co < cout; co++) dW[fo + ci * cout + co]! += xv * dy[d + co]!;
    }
  });
}

export function conv2dBackpropInputReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, ConvGeom>): void {
  backpropInputRef(inputs[0]!, inputs[1]!, outputs[0]!, attrs);
}

export function conv2dBackpropFilterReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, ConvGeom>): void {
  backpropFilterRef(inputs[0]!, inputs[1]!, outputs[0]!, attrs);
}

export function biasGradReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, BiasGradNorm>): void {
  const dy = inputs[0]!;
  const out = outputs[0]!;
  out.fill(0);
  for (let r = 0; r < attrs.rows; r++) for (let c = 0; c < attrs.cols; c++) out[c]! += dy[r * attrs.cols + c]!;
}

/** dpre = dy * act'(y): dense-grad's derivative-from-output formula. */
export function activationGradReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, ActivationGradNorm>): void {
  const [dy, y] = inputs as [Float64Array, Float64Array];
  const out = outputs[0]!;
  for (let i = 0; i < attrs.size; i++) out[i] = dy[i]! * denseActGradRef(y[i]!, attrs.code, attrs.alpha);
}
