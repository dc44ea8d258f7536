import type { KernelArgs } from '../../runtime/op.js';
import { nmsCore } from './host.js';
import type { NmsNorm } from './spec.js';

/** f64 reference: the tfjs algorithm (host.ts), then the padded output. */
export function nmsReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, NmsNorm>): void {
  const boxes = inputs[0]!;
  const { n, k, scoreCol, outCols } = attrs;
  const scores = scoreCol < 0 ? inputs[1]! : Float64Array.from({ length: n }, (_, i) => boxes[i * k + scoreCol]!);
  const { indices, scores: sel } = nmsCore(boxes, scores, n, k, attrs);
  const out = outputs[0]!;
  out.fill(0);
  for (let r = 0; r < attrs.maxBoxes; r++) {
    const o = r * outCols;
    if (r >= indices.length) {
      out[o] = -1;
      continue;
    }
    const i = indices[r]!;
    out[o] = i;
    if (outCols > 1) {
      out[o + 1] = sel[r]!;
      for (let c = 0; c < k; c++) out[o + 2 + c] = boxes[i * k + c]!;
    }
  }
}
