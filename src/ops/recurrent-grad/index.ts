import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import type { RnnCell } from '../recurrent/spec.js';
import { recurrentGradReference } from './reference.js';
import { prepareRecurrentGrad, type RecurrentGradAttrs, type RecurrentGradNorm } from './spec.js';
import { recurrentGradWasm } from './wasm.js';
import { recurrentGradWebGpu } from './webgpu.js';

export type { RecurrentGradAttrs, RecurrentGradNorm } from './spec.js';
export { GRAD_IN as RECURRENT_GRAD_INPUTS } from './spec.js';

function defineRecurrentGrad(cell: RnnCell) {
  return defineOp<RecurrentGradAttrs, RecurrentGradNorm>({
    name: `${cell}Grad`,
    prepare: (inShapes, attrs) => prepareRecurrentGrad(cell, inShapes, attrs),
    kernels: { reference: recurrentGradReference, wasm: recurrentGradWasm, webgpu: recurrentGradWebGpu },
  });
}

/** Inputs [x, kernel, recurrentKernel, bias?, hseq, dy]; outputs [dKernel, dRecurrentKernel, dBias, dx]. */
export const lstmGradOp = defineRecurrentGrad('lstm');
export const gruGradOp = defineRecurrentGrad('gru');
export const simpleRnnGradOp = defineRecurrentGrad('simpleRnn');

export interface RecurrentGradInputs {
  x: Tensor;
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias?: Tensor;
  /** The forward output at every step (returnSequences), processing order. */
  hseq: Tensor;
  /** Gradient of the loss w.r.t. the layer output. */
  dy: Tensor;
}

const OPS = { lstm: lstmGradOp, gru: gruGradOp, simpleRnn: simpleRnnGradOp } as const;

/** BPTT of a Keras LSTM / GRU / SimpleRNN layer: [dKernel, dRecurrentKernel, dBias, dx]. */
export function recurrentGrad(engine: Engine, cell: RnnCell, t: RecurrentGradInputs, attrs: RecurrentGradAttrs): Tensor[] {
  return engine.run(OPS[cell], [t.x, t.kernel, t.recurrentKernel, t.bias, t.hseq, t.dy], attrs);
}
