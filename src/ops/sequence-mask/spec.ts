import { checkKeys, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';

const OP = 'sequenceMask';

export interface SequenceMaskAttrs {
  /** Keras Masking mask_value (default 0): a step whose features all equal it is masked. */
  maskValue?: number;
}

export interface SequenceMaskNorm {
  maskValue: number;
  rows: number;
  features: number;
}

/**
 * Keras Masking: x [..., features] -> [x * mask, mask [...]], mask = any(x != maskValue) over the features (1 for a
 * step to take, 0 for a masked one), the layout the recurrent ops take.
 */
export function prepareSequenceMask(inShapes: readonly (Shape | undefined)[], raw: SequenceMaskAttrs = {}): { attrs: SequenceMaskNorm; outShapes: Shape[] } {
  raw ??= {};
  if (typeof raw !== 'object') fail(OP, `attributes must be an object, got ${String(raw)}`);
  checkKeys(OP, raw, ['maskValue']);
  const maskValue = num(OP, 'maskValue', raw.maskValue, 0);
  const [x] = inShapes;
  if (!x || inShapes.length !== 1) fail(OP, 'takes one input x');
  if (x.length < 2) fail(OP, `x must have rank >= 2 [..., features], got ${shapeStr(x)}`);
  const features = x[x.length - 1]!;
  if (features < 1) fail(OP, `x ${shapeStr(x)} must have at least one feature`);
  return { attrs: { maskValue, rows: sizeOf(x) / features, features }, outShapes: [[...x], x.slice(0, -1)] };
}
