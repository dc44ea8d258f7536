import { checkKeys, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';

export type BinaryKind = 'add' | 'mul';
export interface BinaryAttrs {
  kind: BinaryKind;
}
export interface BinaryNorm {
  kind: BinaryKind;
  /** Output dims and, per input, element strides over the output dims (0 where broadcast). */
  outShape: number[];
  aStrides: number[];
  bStrides: number[];
}

/** Numpy broadcasting: dims align from the right; each pair is equal or one of them is 1. */
export function broadcastShapes(where: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      fail(where, `shapes ${shapeStr(a)} and ${shapeStr(b)} do not broadcast (dim ${i}: ${da} vs ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides of `shape` (row-major) laid over `out` dims, 0 on broadcast dims. */
export function broadcastStrides(shape: Shape, out: Shape): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = out.length - shape.length + i;
    strides[oi] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}

export function prepareBinary(inShapes: readonly (Shape | undefined)[], attrs: BinaryAttrs): { attrs: BinaryNorm; outShapes: Shape[] } {
  const where = attrs?.kind ?? 'binary';
  checkKeys(where, attrs, ['kind']);
  const kind = oneOf(where, 'kind', attrs.kind, ['add', 'mul'] as const);
  const [a, b] = inShapes;
  if (!a || !b) fail(kind, 'needs two inputs');
  const outShape = broadcastShapes(kind, a, b);
  return {
    attrs: { kind, outShape, aStrides: broadcastStrides(a, outShape), bStrides: broadcastStrides(b, outShape) },
    outShapes: [outShape],
  };
}
