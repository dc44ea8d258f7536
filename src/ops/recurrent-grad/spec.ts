import { checkKeys, int } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';
import { GATES, RNN_ACT_CODE, RNN_ACTIVATIONS, type RnnActivation, type RnnCell } from '../recurrent/spec.js';
import { oneOf } from '../../runtime/attrs.js';

/**
 * Backpropagation through time for one Keras recurrent layer (one direction, zero initial state, no mask), given
 * the forward pass's output at every step. The kernels recompute the gate activations from x and the saved h
 * sequence (one GEMM for all steps), then run the recurrence backwards, then turn the per-step gate gradients
 * into weight and input gradients with GEMMs.
 */
export interface RecurrentGradAttrs {
  units: number;
  /** dy is [batch, T, units] (the layer returned sequences) instead of [batch, units] (last step only). */
  returnSequences?: boolean;
  /** The forward pass ran last step first (Keras go_backwards; hseq and dy in processing order). */
  goBackwards?: boolean;
  activation?: RnnActivation | 'hardSigmoid' | 'none';
  /** LSTM and GRU (default sigmoid). */
  recurrentActivation?: RnnActivation | 'hardSigmoid' | 'none';
  /** GRU (default true, Keras 2). */
  resetAfter?: boolean;
  /** Also compute dx (default true); false leaves output 3 a [1] placeholder (first layer of a model). */
  inputGrad?: boolean;
}

export interface RecurrentGradNorm {
  cell: RnnCell;
  G: number;
  units: number;
  batch: number;
  steps: number;
  features: number;
  returnSequences: boolean;
  goBackwards: boolean;
  activation: RnnActivation;
  recurrentActivation: RnnActivation;
  act: number;
  ract: number;
  resetAfter: boolean;
  inputGrad: boolean;
  hasBias: boolean;
  /** The forward's gates (and aux) are inputs 6 and 7. */
  saved: boolean;
}

/**
 * Input slots:
 *   0 x [batch, T, features]
 *   1 kernel [features, G * units]        2 recurrentKernel [units, G * units]
 *   3 bias [G * units] (GRU resetAfter: [2, 3 * units]) or absent (use_bias false)
 *   4 hseq [batch, T, units]: the layer's output at every step, in processing order (what the forward op returns
 *     with returnSequences)
 *   5 dy: the loss gradient w.r.t. the layer's output, [batch, T, units] or [batch, units]
 *   6 gates, 7 aux (optional, together): the training forward's saved state (lstmTrain / gruTrain /
 *     simpleRnnTrain outputs 2 and 3); given, the backward uses them instead of recomputing the forward
 * Outputs: dKernel, dRecurrentKernel, dBias (the bias's shape, or [G * units] without one), dx [batch, T, features]
 * (or [1] with inputGrad false).
 */
export const GRAD_IN = { x: 0, kernel: 1, recurrentKernel: 2, bias: 3, hseq: 4, dy: 5, gates: 6, aux: 7 } as const;

const ALIASES: Record<string, RnnActivation> = { hardSigmoid: 'hard_sigmoid', none: 'linear' };

function bool(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail(op, `${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function activationOf(op: string, name: string, v: unknown, dflt: RnnActivation): RnnActivation {
  if (typeof v === 'string' && v in ALIASES) return ALIASES[v]!;
  return oneOf(op, name, v, RNN_ACTIVATIONS, dflt);
}

const KEYS = ['units', 'returnSequences', 'goBackwards', 'activation', 'recurrentActivation', 'resetAfter', 'inputGrad'];

export function prepareRecurrentGrad(cell: RnnCell, inShapes: readonly (Shape | undefined)[], raw: RecurrentGradAttrs): { attrs: RecurrentGradNorm; outShapes: Shape[] } {
  const op = `${cell}Grad`;
  if (raw === null || typeof raw !== 'object') fail(op, `attributes must be an object with at least { units }, got ${String(raw)}`);
  checkKeys(op, raw, cell === 'gru' ? KEYS : cell === 'lstm' ? KEYS.filter((k) => k !== 'resetAfter') : KEYS.filter((k) => k !== 'resetAfter' && k !== 'recurrentActivation'));
  const G = GATES[cell];
  const units = int(op, 'units', raw.units, undefined, 1);
  const returnSequences = bool(op, 'returnSequences', raw.returnSequences, false);
  const goBackwards = bool(op, 'goBackwards', raw.goBackwards, false);
  const resetAfter = cell === 'gru' ? bool(op, 'resetAfter', raw.resetAfter, true) : false;
  const inputGrad = bool(op, 'inputGrad', raw.inputGrad, true);
  const activation = activationOf(op, 'activation', raw.activation, 'tanh');
  const recurrentActivation = cell === 'simpleRnn' ? 'sigmoid' : activationOf(op, 'recurrentActivation', raw.recurrentActivation, 'sigmoid');
  if (inShapes.length > 8) fail(op, `takes at most 8 inputs (x, kernel, recurrentKernel, bias?, hseq, dy, gates?, aux?), got ${inShapes.length}`);
  const [x, k, r, b, hseq, dy, gates, aux] = inShapes;
  if (!x || !k || !r || !hseq || !dy) fail(op, 'needs inputs x, kernel, recurrentKernel, hseq and dy (bias may be absent)');
  if (x.length !== 3) fail(op, `x must be rank 3 [batch, T, features], got ${shapeStr(x)}`);
  const [batch, steps, features] = x as [number, number, number];
  if (batch < 1 || steps < 1 || features < 1) fail(op, `x ${shapeStr(x)} must have batch, T and features >= 1`);
  const same = (a: Shape, w: readonly number[]) => a.length === w.length && a.every((v, i) => v === w[i]);
  if (!same(k, [features, G * units])) fail(op, `kernel must be [features, ${G} * units] = [${features}, ${G * units}], got ${shapeStr(k)}`);
  if (!same(r, [units, G * units])) fail(op, `recurrentKernel must be [units, ${G} * units] = [${units}, ${G * units}], got ${shapeStr(r)}`);
  const biasShape = cell === 'gru' && resetAfter ? [2, 3 * units] : [G * units];
  if (b && !same(b, biasShape)) fail(op, `bias must be ${shapeStr(biasShape)}${cell === 'gru' ? ` (resetAfter ${resetAfter})` : ''}, got ${shapeStr(b)}`);
  if (!same(hseq, [batch, steps, units])) fail(op, `hseq must be [batch, T, units] = [${batch}, ${steps}, ${units}], got ${shapeStr(hseq)}`);
  const dyShape = returnSequences ? [batch, steps, units] : [batch, units];
  if (!same(dy, dyShape)) fail(op, `dy must be ${shapeStr(dyShape)} (returnSequences ${returnSequences}), got ${shapeStr(dy)}`);
  if (gates && !same(gates, [batch, steps, G * units])) fail(op, `gates must be [batch, T, ${G} * units] = [${batch}, ${steps}, ${G * units}], got ${shapeStr(gates)}`);
  if (cell !== 'simpleRnn' && !!gates !== !!aux) fail(op, 'gates and aux (the training forward\'s saved state) come together');
  if (aux && cell !== 'simpleRnn' && !same(aux, [batch, steps, units])) fail(op, `aux must be [batch, T, units] = [${batch}, ${steps}, ${units}], got ${shapeStr(aux)}`);
  return {
    attrs: {
      cell,
      G,
      units,
      batch,
      steps,
      features,
      returnSequences,
      goBackwards,
      activation,
      recurrentActivation,
      act: RNN_ACT_CODE[activation],
      ract: RNN_ACT_CODE[recurrentActivation],
      resetAfter,
      inputGrad,
      hasBias: !!b,
      saved: !!gates,
    },
    outShapes: [[features, G * units], [units, G * units], biasShape, inputGrad ? [batch, steps, features] : [1]],
  };
}
