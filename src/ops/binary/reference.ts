import type { KernelArgs } from '../../runtime/op.js';
import type { BinaryNorm } from './spec.js';

/** Walks every output index, maps it to each input through the broadcast strides. */
export function binaryReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, BinaryNorm>): void {
  const a = inputs[0]!;
  const b = inputs[1]!;
  const out = outputs[0]!;
  const { outShape, aStrides, bStrides } = attrs;
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < outShape.length; d++) {
      ia += idx[d]! * aStrides[d]!;
      ib += idx[d]! * bStrides[d]!;
    }
    out[o] = attrs.kind === 'add' ? a[ia]! + b[ib]! : a[ia]! * b[ib]!;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
}
