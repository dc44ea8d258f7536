import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import type { RnnCell } from '../recurrent/spec.js';
import { recurrentGradReference } from './reference.js';
import { prepareRecurrentGrad, type RecurrentGradAttrs, type RecurrentGradNorm } from './spec.js';
import { recurrentGradWasm } from './wasm.js';
import { recurrentGradWebGpu } from './webgpu.js';
import { recurrentTrainReference } from './train-reference.js';
import { prepareRecurrentTrain, type RecurrentTrainAttrs, type RecurrentTrainNorm } from './train-spec.js';
import { recurrentTrainWasm } from './train-wasm.js';
import { recurrentTrainWebGpu } from './train-webgpu.js';

export type { RecurrentGradAttrs, RecurrentGradNorm } from './spec.js';
export type { RecurrentTrainAttrs } from './train-spec.js';
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
  /** The training forward's saved state (recurrentTrain outputs 2 and 3): skips the recompute. */
  gates?: Tensor;
  aux?: Tensor;
}

function defineRecurrentTrain(cell: RnnCell) {
  return defineOp<RecurrentTrainAttrs, RecurrentTrainNorm>({
    name: `${cell}Train`,
    prepare: (inShapes, attrs) => prepareRecurrentTrain(cell, inShapes, attrs),
    kernels: { reference: recurrentTrainReference, wasm: recurrentTrainWasm, webgpu: recurrentTrainWebGpu },
  });
}

/** Training forward: inputs [x, kernel, recurrentKernel, bias?]; outputs [hseq, h, gates, aux] (see train-spec.ts). */
export const lstmTrainOp = defineRecurrentTrain('lstm');
export const gruTrainOp = defineRecurrentTrain('gru');
export const simpleRnnTrainOp = defineRecurrentTrain('simpleRnn');

const TRAIN_OPS = { lstm: lstmTrainOp, gru: gruTrainOp, simpleRnn: simpleRnnTrainOp } as const;

/**
 * The forward of a recurrent layer in training: [hseq, last h, gates, aux], the saved state recurrentGrad takes
 * (gates and aux) so its backward skips recomputing the forward.
 */
export function recurrentTrain(engine: Engine, cell: RnnCell, x: Tensor, w: { kernel: Tensor; recurrentKernel: Tensor; bias?: Tensor }, attrs: RecurrentTrainAttrs): Tensor[] {
  return engine.run(TRAIN_OPS[cell], [x, w.kernel, w.recurrentKernel, w.bias], attrs);
}

const OPS = { lstm: lstmGradOp, gru: gruGradOp, simpleRnn: simpleRnnGradOp } as const;

/** BPTT of a Keras LSTM / GRU / SimpleRNN layer: [dKernel, dRecurrentKernel, dBias, dx]. */
export function recurrentGrad(engine: Engine, cell: RnnCell, t: RecurrentGradInputs, attrs: RecurrentGradAttrs): Tensor[] {
  const saved = t.gates ? [t.gates, t.aux] : [];
  return engine.run(OPS[cell], [t.x, t.kernel, t.recurrentKernel, t.bias, t.hseq, t.dy, ...saved], attrs);
}
