import { checkKeys, num, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';

const OP = 'denseGrad';

/** Activations a Dense layer's backward takes (the matmul epilogue's, plus softmax over the last dim). */
export const DENSE_GRAD_ACTIVATIONS = ['none', 'linear', 'relu', 'relu6', 'leakyRelu', 'sigmoid', 'tanh', 'softmax'] as const;
export type DenseGradActivation = (typeof DENSE_GRAD_ACTIVATIONS)[number];
/** Codes shared by shaders/dense_grad.wgsl (ACT) and assembly/dense_grad.ts: ACT_CODE plus 6 = softmax. */
export const DENSE_GRAD_CODE: Record<DenseGradActivation, number> = { none: 0, linear: 0, relu: 1, relu6: 2, leakyRelu: 3, sigmoid: 4, tanh: 5, softmax: 6 };

export interface DenseGradAttrs {
  /** The forward activation (default 'none'); its derivative is taken from the output y. */
  activation?: DenseGradActivation;
  /** leakyRelu slope (default 0.2, as the matmul epilogue). */
  alpha?: number;
  /** Also compute dx (default true); false leaves output 2 a [1] placeholder. */
  inputGrad?: boolean;
}

export interface DenseGradNorm {
  activation: DenseGradActivation;
  code: number;
  alpha: number;
  inputGrad: boolean;
  /** Rows of x / y / dy flattened to 2-D. */
  rows: number;
  k: number;
  n: number;
}

/**
 * Backward of Keras Dense y = act(x W + b): inputs x [..., k], kernel [k, n], y [..., n] (absent when the
 * activation is linear), dy [..., n]. Outputs dKernel [k, n], dBias [n], dx (x's shape, or [1]).
 */
export function prepareDenseGrad(inShapes: readonly (Shape | undefined)[], raw: DenseGradAttrs = {}): { attrs: DenseGradNorm; outShapes: Shape[] } {
  raw ??= {};
  if (typeof raw !== 'object') fail(OP, `attributes must be an object, got ${String(raw)}`);
  checkKeys(OP, raw, ['activation', 'alpha', 'inputGrad']);
  const activation = oneOf(OP, 'activation', raw.activation, DENSE_GRAD_ACTIVATIONS, 'none');
  const alpha = num(OP, 'alpha', raw.alpha, 0.2);
  if (raw.inputGrad !== undefined && typeof raw.inputGrad !== 'boolean') fail(OP, `inputGrad must be a boolean, got ${JSON.stringify(raw.inputGrad)}`);
  const inputGrad = raw.inputGrad ?? true;
  if (inShapes.length > 4) fail(OP, `takes 4 inputs (x, kernel, y, dy), got ${inShapes.length}`);
  const [x, w, y, dy] = inShapes;
  if (!x || !w || !dy) fail(OP, 'needs inputs x, kernel and dy (and y unless the activation is linear)');
  if (x.length < 2) fail(OP, `x must have rank >= 2 [..., k], got ${shapeStr(x)}`);
  if (w.length !== 2) fail(OP, `kernel must be rank 2 [k, n], got ${shapeStr(w)}`);
  const [k, n] = w as [number, number];
  if (x[x.length - 1] !== k) fail(OP, `x ${shapeStr(x)} must end in k=${k} (kernel ${shapeStr(w)})`);
  const outShape = [...x.slice(0, -1), n];
  const same = (a: Shape, b: Shape) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(dy, outShape)) fail(OP, `dy must be ${shapeStr(outShape)}, got ${shapeStr(dy)}`);
  if (y && !same(y, outShape)) fail(OP, `y must be ${shapeStr(outShape)}, got ${shapeStr(y)}`);
  const code = DENSE_GRAD_CODE[activation];
  if (code !== 0 && !y) fail(OP, `activation '${activation}' needs the forward output y`);
  return {
    attrs: { activation, code, alpha, inputGrad, rows: sizeOf(x) / k, k, n },
    outShapes: [[k, n], [n], inputGrad ? [...x] : [1]],
  };
}
