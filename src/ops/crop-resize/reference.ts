import type { KernelArgs } from '../../runtime/op.js';
import { sampleTap, type CropAndResizeNorm } from './spec.js';

export function cropAndResizeReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, CropAndResizeNorm>): void {
  const x = inputs[0]!;
  const boxes = inputs[1]!;
  const out = outputs[0]!;
  const { inH, inW, c, outH, outW, fill } = attrs;
  const at = (y: number, xx: number, ch: number) => x[(y * inW + xx) * c + ch]!;
  let o = 0;
  for (let b = 0; b < attrs.boxes; b++) {
    const [x0, y0, x1, y1] = [boxes[4 * b]!, boxes[4 * b + 1]!, boxes[4 * b + 2]!, boxes[4 * b + 3]!];
    for (let i = 0; i < outH; i++) {
      const ty = sampleTap(y0, y1, i, outH, inH);
      for (let j = 0; j < outW; j++) {
        const tx = sampleTap(x0, x1, j, outW, inW);
        for (let ch = 0; ch < c; ch++) {
          if (!ty.inside || !tx.inside) {
            out[o++] = fill;
            continue;
          }
          const top = (1 - tx.w) * at(ty.i0, tx.i0, ch) + tx.w * at(ty.i0, tx.i1, ch);
          const bottom = (1 - tx.w) * at(ty.i1, tx.i0, ch) + tx.w * at(ty.i1, tx.i1, ch);
          out[o++] = (1 - ty.w) * top + ty.w * bottom;
        }
      }
    }
  }
}
