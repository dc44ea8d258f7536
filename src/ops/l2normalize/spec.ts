import { checkKeys, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import type { Shape } from '../../runtime/shape.js';
import { axisRows, type AxisRows } from '../softmax/spec.js';

export interface L2NormalizeAttrs {
  /** Axis to normalise over (default -1, the last). */
  axis?: number;
  /** Floor on the sum of squares (default 1e-12, as tf.math.l2_normalize). */
  epsilon?: number;
}

export interface L2NormalizeNorm extends AxisRows {
  epsilon: number;
}

export function prepareL2Normalize(inShapes: readonly (Shape | undefined)[], attrs: L2NormalizeAttrs = {}): { attrs: L2NormalizeNorm; outShapes: Shape[] } {
  attrs ??= {};
  checkKeys('l2Normalize', attrs, ['axis', 'epsilon']);
  const x = inShapes[0];
  if (!x) fail('l2Normalize', 'needs an input');
  const epsilon = num('l2Normalize', 'epsilon', attrs.epsilon, 1e-12);
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) fail('l2Normalize', `epsilon must be a finite number >= 0, got ${epsilon}`);
  return { attrs: { ...axisRows('l2Normalize', x, attrs.axis), epsilon }, outShapes: [x] };
}
