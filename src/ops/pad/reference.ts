import type { KernelArgs } from '../../runtime/op.js';
import { padSource, type PadNorm } from './spec.js';

/** Walks every output index and maps each coordinate back to the input (or the fill value). */
export function padReference(_: unknown, { inputs, outputs, outShapes, attrs }: KernelArgs<Float64Array, PadNorm>): void {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const outShape = outShapes[0]!;
  const { inShape, before, mode, value } = attrs;
  const rank = inShape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) {
      const s = padSource(idx[d]!, inShape[d]!, before[d]!, mode);
      if (s < 0) {
        src = -1;
        break;
      }
      src = src * inShape[d]! + s;
    }
    out[o] = src < 0 ? value : x[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
}
