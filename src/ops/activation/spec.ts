import { checkKeys, num, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';

/** Activations every fused epilogue (conv2d, matmul) and the standalone activation op support. */
export const ACTIVATIONS = ['none', 'relu', 'relu6', 'leakyRelu', 'prelu', 'sigmoid', 'tanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Codes shared by WGSL (`ACT` override in shaders/lib/activation.wgsl) and AS (assembly/activation.ts). */
export const ACT_CODE: Record<Activation, number> = { none: 0, relu: 1, relu6: 2, leakyRelu: 3, prelu: 3, sigmoid: 4, tanh: 5 };

export interface EpilogueAttrs {
  activation?: Activation;
  /** leakyRelu slope (default 0.2, as tfjs). */
  alpha?: number;
}

export interface Epilogue {
  activation: Activation;
  code: number;
  alpha: number;
}

/** Validates activation options; `prelu` needs a per-channel alpha input of `channels` values. */
export function prepareEpilogue(op: string, attrs: EpilogueAttrs, preluShape: Shape | undefined, channels: number): Epilogue {
  const activation = oneOf(op, 'activation', attrs.activation, ACTIVATIONS, 'none');
  const alpha = num(op, 'alpha', attrs.alpha, 0.2);
  if (activation === 'prelu') {
    if (!preluShape) fail(op, `activation 'prelu' needs a preluAlpha input of ${channels} values`);
    const n = preluShape.reduce((a, b) => a * b, 1);
    if (n !== channels) fail(op, `preluAlpha ${shapeStr(preluShape)} must hold ${channels} values (one per channel)`);
  } else if (preluShape) {
    fail(op, `preluAlpha given but activation is '${activation}'`);
  }
  return { activation, code: ACT_CODE[activation], alpha };
}

/** The f64 reference of each activation. `slope` is alpha (leakyRelu) or the channel's prelu alpha. */
export function activateRef(x: number, activation: Activation, slope: number): number {
  switch (activation) {
    case 'relu':
      return Math.max(x, 0);
    case 'relu6':
      return Math.min(Math.max(x, 0), 6);
    case 'leakyRelu':
    case 'prelu':
      return x >= 0 ? x : slope * x;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    default:
      return x;
  }
}

export interface ActivationAttrs extends EpilogueAttrs {}

/** Standalone activation: inputs [x, preluAlpha?]; prelu alpha runs along the last (channel) dim. */
export function prepareActivation(inShapes: readonly (Shape | undefined)[], attrs: ActivationAttrs): { attrs: Epilogue; outShapes: Shape[] } {
  checkKeys('activation', attrs, ['activation', 'alpha']);
  const x = inShapes[0];
  if (!x) fail('activation', 'needs an input');
  const channels = x.length ? x[x.length - 1]! : 1;
  return { attrs: prepareEpilogue('activation', attrs, inShapes[1], channels), outShapes: [x] };
}
