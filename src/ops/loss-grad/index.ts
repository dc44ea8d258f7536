import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { softmaxCrossEntropyReference } from './reference.js';
import { prepareSoftmaxCrossEntropy, type SoftmaxCrossEntropyAttrs, type SoftmaxCrossEntropyNorm } from './spec.js';
import { softmaxCrossEntropyWasm } from './wasm.js';
import { softmaxCrossEntropyWebGpu } from './webgpu.js';

export type { SoftmaxCrossEntropyAttrs } from './spec.js';

/** Inputs [probs, labels, acc?]; outputs [dlogits, stats]. acc [2] is updated in place. */
export const softmaxCrossEntropyOp = defineOp<SoftmaxCrossEntropyAttrs, SoftmaxCrossEntropyNorm>({
  name: 'softmaxCrossEntropy',
  prepare: prepareSoftmaxCrossEntropy,
  kernels: { reference: softmaxCrossEntropyReference, wasm: softmaxCrossEntropyWasm, webgpu: softmaxCrossEntropyWebGpu },
});

/**
 * Categorical cross-entropy of softmax probabilities against labels: [dlogits, stats] with stats = [loss sum,
 * correct count]; `acc` ([2]), when given, is added to in place (epoch totals without a readback per batch).
 */
export function softmaxCrossEntropy(engine: Engine, probs: Tensor, labels: Tensor, attrs: SoftmaxCrossEntropyAttrs = {}, acc?: Tensor): Tensor[] {
  return engine.run(softmaxCrossEntropyOp, [probs, labels, acc], attrs);
}
