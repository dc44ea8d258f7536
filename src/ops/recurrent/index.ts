import type { Engine } from '../../runtime/engine.js';
import { fail } from '../../runtime/errors.js';
import { defineOp } from '../../runtime/op.js';
import type { Shape } from '../../runtime/shape.js';
import type { Tensor } from '../../runtime/tensor.js';
import { recurrentReference } from './reference.js';
import { dirSlot, IN, prepareRecurrent, type RecurrentAttrs, type RecurrentNorm, type RnnCell } from './spec.js';
import { recurrentWasm } from './wasm.js';
import { recurrentWebGpu } from './webgpu.js';

export type { MergeMode, RecurrentAttrs, RecurrentNorm, RnnActivation, RnnCell } from './spec.js';
export { IN as RECURRENT_INPUTS, dirSlot } from './spec.js';

function defineRecurrent(cell: RnnCell) {
  return defineOp<RecurrentAttrs, RecurrentNorm>({
    name: cell,
    prepare: (inShapes: readonly (Shape | undefined)[], attrs: RecurrentAttrs) => prepareRecurrent(cell, inShapes, attrs),
    kernels: { reference: recurrentReference, wasm: recurrentWasm, webgpu: recurrentWebGpu },
  });
}

/** Inputs: see IN in spec.ts (x, kernel, recurrentKernel, bias?, mask?, initialH?, initialC?, peephole?, backward...). */
export const lstmOp = defineRecurrent('lstm');
export const gruOp = defineRecurrent('gru');
export const simpleRnnOp = defineRecurrent('simpleRnn');

/** One direction's weights, Keras layout. */
export interface RecurrentWeights {
  /** [features, G * units] */
  kernel: Tensor;
  /** [units, G * units] */
  recurrentKernel: Tensor;
  /** [G * units]; GRU resetAfter: [2, 3 * units] (input bias, recurrent bias). */
  bias?: Tensor;
  /** LSTM peepholes [3, units]: i, f, o. */
  peephole?: Tensor;
}

export interface RecurrentExtras {
  /** Keras mask [batch, T] (0 = masked step) or per-sample sequence lengths [batch]. */
  mask?: Tensor;
  /** Keras order: [h] / [h, c] (LSTM), then the backward direction's when bidirectional. Missing = zeros. */
  initialState?: readonly (Tensor | undefined)[];
  /** The backward direction's weights (attrs.bidirectional). */
  backward?: RecurrentWeights;
}

/** The op's 14 input slots from Keras-style arguments (what layers and loaders pass to engine.run). */
export function recurrentInputs(cell: RnnCell, x: Tensor, weights: RecurrentWeights, extras: RecurrentExtras = {}): (Tensor | undefined)[] {
  const slots: (Tensor | undefined)[] = new Array(14).fill(undefined);
  slots[IN.x] = x;
  slots[IN.mask] = extras.mask;
  const perDir = cell === 'lstm' ? 2 : 1;
  const states = extras.initialState ?? [];
  if (states.length > 2 * perDir) fail(cell, `initialState takes at most ${2 * perDir} tensors, got ${states.length}`);
  const dirs: (RecurrentWeights | undefined)[] = [weights, extras.backward];
  dirs.forEach((w, d) => {
    if (!w) return;
    slots[dirSlot(d, 'kernel')] = w.kernel;
    slots[dirSlot(d, 'recurrentKernel')] = w.recurrentKernel;
    slots[dirSlot(d, 'bias')] = w.bias;
    slots[dirSlot(d, 'peephole')] = w.peephole;
    slots[dirSlot(d, 'initialH')] = states[d * perDir];
    if (cell === 'lstm') slots[dirSlot(d, 'initialC')] = states[d * perDir + 1];
  });
  return slots;
}

/**
 * Keras LSTM (gates i, f, c, o). Returns [output, ...states]: output [batch, T, units] with returnSequences, else
 * [batch, units]; with returnState h and c per direction (forward first).
 */
export function lstm(engine: Engine, x: Tensor, weights: RecurrentWeights, attrs: RecurrentAttrs, extras?: RecurrentExtras): Tensor[] {
  return engine.run(lstmOp, recurrentInputs('lstm', x, weights, extras), attrs);
}

/** Keras GRU (gates z, r, h; resetAfter true by default as Keras 2 / tfjs). Returns [output, ...h per direction]. */
export function gru(engine: Engine, x: Tensor, weights: RecurrentWeights, attrs: RecurrentAttrs, extras?: RecurrentExtras): Tensor[] {
  return engine.run(gruOp, recurrentInputs('gru', x, weights, extras), attrs);
}

/** Keras SimpleRNN: h = act(x W + h R + b). Returns [output, ...h per direction]. */
export function simpleRnn(engine: Engine, x: Tensor, weights: RecurrentWeights, attrs: RecurrentAttrs, extras?: RecurrentExtras): Tensor[] {
  return engine.run(simpleRnnOp, recurrentInputs('simpleRnn', x, weights, extras), attrs);
}
