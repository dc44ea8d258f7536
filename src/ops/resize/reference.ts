import type { KernelArgs } from '../../runtime/op.js';
import type { CoordTransform, NearestMode, ResizeNorm } from './spec.js';

/**
 * ONNX Resize coordinate_transformation_mode: the source coordinate of output index `o`. `scale` is the given
 * scale, or out / in when sizes drive the resize (written as * in / out so exact ties stay exact in f64).
 */
export function sourceCoord(t: CoordTransform, o: number, inLen: number, outLen: number, scale: number | null): number {
  const toIn = (v: number) => (scale === null ? (v * inLen) / outLen : v / scale);
  switch (t) {
    case 'half_pixel':
      return toIn(o + 0.5) - 0.5;
    case 'pytorch_half_pixel':
      return outLen > 1 ? toIn(o + 0.5) - 0.5 : 0;
    case 'align_corners':
      return outLen === 1 ? 0 : (o * (inLen - 1)) / ((scale === null ? outLen : inLen * scale) - 1);
    case 'asymmetric':
      return toIn(o);
    case 'tf_half_pixel_for_nn':
      return toIn(o + 0.5);
  }
}

/** ONNX nearest_mode rounding of a source coordinate. */
export function roundNearest(v: number, mode: NearestMode): number {
  const f = Math.floor(v);
  switch (mode) {
    case 'round_prefer_floor':
      return v - f > 0.5 ? f + 1 : f;
    case 'round_prefer_ceil':
      return v - f >= 0.5 ? f + 1 : f;
    case 'floor':
      return f;
    case 'ceil':
      return Math.ceil(v);
  }
}

/** Linear taps of one axis: ONNX pads the edge, which is the same as clamping both neighbours to [0, len-1]. */
function linearTaps(v: number, len: number): [number, number, number] {
  const f = Math.floor(v);
  const clamp = (i: number) => Math.min(Math.max(i, 0), len - 1);
  return [clamp(f), clamp(f + 1), v - f];
}

export function resizeReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, ResizeNorm>): void {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const { n, inH, inW, outH, outW, c, coordinateTransform: t, scales } = attrs;
  const at = (b: number, y: number, xx: number, ch: number) => x[((b * inH + y) * inW + xx) * c + ch]!;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const sy = sourceCoord(t, oy, inH, outH, scales ? scales[0] : null);
      for (let ox = 0; ox < outW; ox++) {
        const sx = sourceCoord(t, ox, inW, outW, scales ? scales[1] : null);
        if (attrs.mode === 'nearest') {
          const iy = Math.min(Math.max(roundNearest(sy, attrs.nearestMode), 0), inH - 1);
          const ix = Math.min(Math.max(roundNearest(sx, attrs.nearestMode), 0), inW - 1);
          for (let ch = 0; ch < c; ch++) out[o++] = at(b, iy, ix, ch);
        } else {
          const [y0, y1, wy] = linearTaps(sy, inH);
          const [x0, x1, wx] = linearTaps(sx, inW);
          for (let ch = 0; ch < c; ch++) {
            const top = (1 - wx) * at(b, y0, x0, ch) + wx * at(b, y0, x1, ch);
            const bottom = (1 - wx) * at(b, y1, x0, ch) + wx * at(b, y1, x1, ch);
            out[o++] = (1 - wy) * top + wy * bottom;
          }
        }
      }
    }
  }
}
