import type { KernelArgs } from '../../runtime/op.js';
import { activateRef } from '../activation/spec.js';
import { backpropFilterRef, backpropInputRef } from '../conv2d-grad/reference.js';
import type { ConvGeom } from '../conv2d-grad/spec.js';
import type { ConvTranspose2dNorm } from './spec.js';

/** y = act(scatter of x through the filter + bias): conv2d's backprop-input loop nest on the transposed geometry. */
export function convTranspose2dReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, ConvTranspose2dNorm>): void {
  const [x, W, bias] = inputs as [Float64Array, Float64Array, Float64Array | undefined];
  const y = outputs[0]!;
  backpropInputRef(x, W, y, a);
  const c = a.cin;
  for (let i = 0; i < y.length; i++) y[i] = activateRef(y[i]! + (bias ? bias[i % c]! : 0), a.activation, a.alpha);
}

/** dW of the transposed conv = the forward conv's filter gradient with x and dy in swapped roles. */
export function convTranspose2dBackpropFilterReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, ConvGeom>): void {
  backpropFilterRef(inputs[1]!, inputs[0]!, outputs[0]!, attrs);
}
