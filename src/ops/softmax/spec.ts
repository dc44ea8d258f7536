import { checkKeys, int } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';

/**
 * A reduction axis as rows: element i of row (o, j) sits at (o * len + i) * inner + j. The last axis is
 * inner == 1 (contiguous rows); another axis strides by `inner`.
 */
export interface AxisRows {
  axis: number;
  outer: number;
  len: number;
  inner: number;
}

/** Normalises `axis` (negative counts from the end) against `shape` and splits the shape around it. */
export function axisRows(op: string, shape: Shape, axisRaw: unknown): AxisRows {
  const axis0 = int(op, 'axis', axisRaw, -1);
  const rank = shape.length;
  if (axis0 < -rank || axis0 >= rank) fail(op, `axis ${axis0} is out of range for rank ${rank} input ${shapeStr(shape)}`);
  const axis = axis0 < 0 ? axis0 + rank : axis0;
  const prod = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  return { axis, outer: prod(shape.slice(0, axis)), len: shape[axis]!, inner: prod(shape.slice(axis + 1)) };
}

export interface SoftmaxAttrs {
  /** Axis to normalise over (default -1, the last). */
  axis?: number;
}

export function prepareSoftmax(inShapes: readonly (Shape | undefined)[], attrs: SoftmaxAttrs = {}): { attrs: AxisRows; outShapes: Shape[] } {
  attrs ??= {};
  checkKeys('softmax', attrs, ['axis']);
  const x = inShapes[0];
  if (!x) fail('softmax', 'needs an input');
  return { attrs: axisRows('softmax', x, attrs.axis), outShapes: [x] };
}
