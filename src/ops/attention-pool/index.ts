// Attention pooling over time and its gradient: the REAN aggregators' pooling (src/video/aggregators/).
import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { attentionPoolGradReference, attentionPoolReference } from './reference.js';
import { prepareAttentionPool, prepareAttentionPoolGrad, type AttentionPoolAttrs, type AttentionPoolNorm } from './spec.js';
import { attentionPoolGradWasm, attentionPoolWasm } from './wasm.js';
import { attentionPoolGradWebGpu, attentionPoolWebGpu } from './webgpu.js';

export type { AttentionPoolAttrs } from './spec.js';

/** Inputs [scores [B,T], values [B,T,D], mask? [B,T]]; outputs [out [B,D], weights [B,T], norm [B]]. */
export const attentionPoolOp = defineOp<AttentionPoolAttrs, AttentionPoolNorm>({
  name: 'attentionPool',
  prepare: prepareAttentionPool,
  kernels: { reference: attentionPoolReference, wasm: attentionPoolWasm, webgpu: attentionPoolWebGpu },
});

/** Inputs [weights, values, out, norm, dOut]; outputs [dScores [B,T], dValues [B,T,D]]. */
export const attentionPoolGradOp = defineOp<AttentionPoolAttrs, AttentionPoolNorm>({
  name: 'attentionPoolGrad',
  prepare: prepareAttentionPoolGrad,
  kernels: { reference: attentionPoolGradReference, wasm: attentionPoolGradWasm, webgpu: attentionPoolGradWebGpu },
});

/**
 * Per row: w = softmax(scores) over the unmasked steps, out = normalize(sum_t w_t values_t). Returns [out,
 * weights, norm] (norm = length before normalising; the gradient needs it).
 */
export function attentionPool(engine: Engine, scores: Tensor, values: Tensor, mask?: Tensor, attrs: AttentionPoolAttrs = {}): Tensor[] {
  return engine.run(attentionPoolOp, [scores, values, mask], attrs);
}

/** Gradient of attentionPool w.r.t. scores and values, from its outputs and dOut: [dScores, dValues]. */
export function attentionPoolGrad(engine: Engine, weights: Tensor, values: Tensor, out: Tensor, norm: Tensor, dOut: Tensor, attrs: AttentionPoolAttrs = {}): Tensor[] {
  return engine.run(attentionPoolGradOp, [weights, values, out, norm, dOut], attrs);
}
