import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { softmaxReference } from './reference.js';
import { prepareSoftmax, type AxisRows, type SoftmaxAttrs } from './spec.js';
import { softmaxWasm } from './wasm.js';
import { softmaxWebGpu } from './webgpu.js';

export type { SoftmaxAttrs } from './spec.js';

export const softmaxOp = defineOp<SoftmaxAttrs, AxisRows>({
  name: 'softmax',
  prepare: prepareSoftmax,
  kernels: { reference: softmaxReference, webgpu: softmaxWebGpu, wasm: softmaxWasm },
});

/** exp(x) / sum(exp(x)) along `axis` (default -1), computed with the row max subtracted (no overflow). */
export function softmax(engine: Engine, x: Tensor, attrs: SoftmaxAttrs = {}): Tensor {
  return engine.run1(softmaxOp, [x], attrs);
}
