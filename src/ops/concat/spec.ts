import { checkKeys, int } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';

export interface ConcatAttrs {
  /** Default -1 (last dim: channels in NHWC); negative counts from the end. */
  axis?: number;
}

/**
 * Concat as a copy: with `outer` = the product of dims before the axis, input i is `outer` contiguous blocks of
 * `inners[i]` elements, written at `offsets[i]` within each output block of `innerOut` elements.
 */
export interface ConcatNorm {
  axis: number;
  outer: number;
  inners: number[];
  offsets: number[];
  innerOut: number;
}

export function prepareConcat(inShapes: readonly (Shape | undefined)[], raw: ConcatAttrs | undefined): { attrs: ConcatNorm; outShapes: Shape[] } {
  const op = 'concat';
  const attrs = raw ?? {};
  if (typeof attrs !== 'object' || Array.isArray(attrs)) fail(op, `attrs must be an object, got ${JSON.stringify(raw)}`);
  checkKeys(op, attrs, ['axis']);
  if (inShapes.length === 0) fail(op, 'needs at least one input');
  inShapes.forEach((s, i) => {
    if (!s) fail(op, `input ${i} is missing`);
  });
  const shapes = inShapes as readonly Shape[];
  const first = shapes[0]!;
  const rank = first.length;
  if (rank === 0) fail(op, 'inputs must have rank >= 1, got a scalar');
  const a = int(op, 'axis', attrs.axis, -1);
  if (a < -rank || a >= rank) fail(op, `axis ${a} is out of range for rank ${rank} (valid: ${-rank} to ${rank - 1})`);
  const axis = a < 0 ? a + rank : a;
  shapes.forEach((s, i) => {
    if (s.length !== rank) fail(op, `input ${i} ${shapeStr(s)} has rank ${s.length}, input 0 ${shapeStr(first)} has rank ${rank}`);
    s.forEach((d, k) => {
      if (k !== axis && d !== first[k]) {
        fail(op, `input ${i} ${shapeStr(s)} does not match input 0 ${shapeStr(first)} on dim ${k} (all dims but axis ${axis} must be equal)`);
      }
    });
  });
  let outer = 1;
  for (let k = 0; k < axis; k++) outer *= first[k]!;
  let after = 1;
  for (let k = axis + 1; k < rank; k++) after *= first[k]!;
  const inners = shapes.map((s) => s[axis]! * after);
  const offsets: number[] = [];
  let innerOut = 0;
  for (const n of inners) {
    offsets.push(innerOut);
    innerOut += n;
  }
  const outShape = [...first];
  outShape[axis] = shapes.reduce((t, s) => t + s[axis]!, 0);
  return { attrs: { axis, outer, inners, offsets, innerOut }, outShapes: [outShape] };
}
