import { checkKeys, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';

const OP = 'softmaxCrossEntropy';

export interface SoftmaxCrossEntropyAttrs {
  /** Factor on the gradient (default 1 / batch: the mean loss over the batch, as Keras). */
  scale?: number;
  /** Probabilities are clipped to [epsilon, 1 - epsilon] in the log (default 1e-7, the tfjs / Keras epsilon). */
  epsilon?: number;
}

export interface SoftmaxCrossEntropyNorm {
  rows: number;
  classes: number;
  scale: number;
  epsilon: number;
  accumulate: boolean;
}

/**
 * Categorical cross-entropy on a softmax output, loss and gradient in one pass. Inputs: probs [..., C] (the
 * softmax's output; leading dims are rows), labels like probs (one-hot or any distribution), acc [2] (optional, added to in place).
 * Outputs: dlogits [batch, C] = scale * (p * sum(y) - y), the gradient w.r.t. the softmax's input; stats [2] =
 * [sum of per-sample losses, number of samples whose argmax matches the label's].
 */
export function prepareSoftmaxCrossEntropy(inShapes: readonly (Shape | undefined)[], raw: SoftmaxCrossEntropyAttrs = {}): { attrs: SoftmaxCrossEntropyNorm; outShapes: Shape[] } {
  raw ??= {};
  if (typeof raw !== 'object') fail(OP, `attributes must be an object, got ${String(raw)}`);
  checkKeys(OP, raw, ['scale', 'epsilon']);
  if (inShapes.length > 3) fail(OP, `takes 3 inputs (probs, labels, acc?), got ${inShapes.length}`);
  const [p, y, acc] = inShapes;
  if (!p || !y) fail(OP, 'needs inputs probs and labels');
  if (p.length < 2) fail(OP, `probs must have rank >= 2 [batch, ..., classes], got ${shapeStr(p)}`);
  if (y.length !== p.length || y.some((d, i) => d !== p[i])) fail(OP, `labels must match probs ${shapeStr(p)}, got ${shapeStr(y)}`);
  if (acc && (acc.length !== 1 || acc[0] !== 2)) fail(OP, `acc must be [2], got ${shapeStr(acc)}`);
  const classes = p[p.length - 1]!;
  const rows = sizeOf(p) / Math.max(1, classes);
  if (sizeOf(p) < 1) fail(OP, `probs ${shapeStr(p)} must have batch and classes >= 1`);
  const scale = num(OP, 'scale', raw.scale, 1 / rows);
  const epsilon = num(OP, 'epsilon', raw.epsilon, 1e-7);
  if (!(epsilon >= 0 && epsilon < 0.5)) fail(OP, `epsilon must be in [0, 0.5), got ${epsilon}`);
  return { attrs: { rows, classes, scale, epsilon, accumulate: !!acc }, outShapes: [[...p], [2]] };
}
