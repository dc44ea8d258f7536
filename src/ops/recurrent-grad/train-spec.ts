import { checkKeys, int, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';
import { GATES, RNN_ACT_CODE, RNN_ACTIVATIONS, type RnnActivation, type RnnCell } from '../recurrent/spec.js';

/**
 * The training forward of one Keras recurrent layer (one direction, zero initial state, no mask): the recurrent
 * op's output plus what backpropagation needs, so the backward skips recomputing the gates. Attributes as the
 * recurrent op's (units, goBackwards, activation, recurrentActivation, resetAfter).
 */
export interface RecurrentTrainAttrs {
  units: number;
  goBackwards?: boolean;
  activation?: RnnActivation | 'hardSigmoid' | 'none';
  recurrentActivation?: RnnActivation | 'hardSigmoid' | 'none';
  resetAfter?: boolean;
}

export interface RecurrentTrainNorm {
  cell: RnnCell;
  G: number;
  units: number;
  batch: number;
  steps: number;
  features: number;
  goBackwards: boolean;
  activation: RnnActivation;
  recurrentActivation: RnnActivation;
  act: number;
  ract: number;
  resetAfter: boolean;
  hasBias: boolean;
}

/**
 * Inputs: x [batch, T, features], kernel [features, G units], recurrentKernel [units, G units], bias (optional;
 * GRU resetAfter [2, 3 units]). Outputs:
 *   0 hseq [batch, T, units]: h after every step, processing order (the layer's sequence output)
 *   1 h [batch, units]: the last step's h (the layer's output without return_sequences)
 *   2 gates [batch, T, G units]: activated gates per x row (LSTM i f g o, GRU z r h~, SimpleRNN h)
 *   3 aux [batch, T, units] per x row: LSTM c; GRU resetAfter h R_h + recurrent bias (what the reset gate
 *     scaled); GRU resetAfter=false r * h_{s-1}; SimpleRNN a [1] placeholder.
 */
export function prepareRecurrentTrain(cell: RnnCell, inShapes: readonly (Shape | undefined)[], raw: RecurrentTrainAttrs): { attrs: RecurrentTrainNorm; outShapes: Shape[] } {
  const op = `${cell}Train`;
  if (raw === null || typeof raw !== 'object') fail(op, `attributes must be an object with at least { units }, got ${String(raw)}`);
  const keys = ['units', 'goBackwards', 'activation'];
  if (cell !== 'simpleRnn') keys.push('recurrentActivation');
  if (cell === 'gru') keys.push('resetAfter');
  checkKeys(op, raw, keys);
  const act = (name: string, v: unknown, dflt: RnnActivation): RnnActivation => {
    if (v === 'hardSigmoid') return 'hard_sigmoid';
    if (v === 'none') return 'linear';
    return oneOf(op, name, v, RNN_ACTIVATIONS, dflt);
  };
  const G = GATES[cell];
  const units = int(op, 'units', raw.units, undefined, 1);
  if (raw.goBackwards !== undefined && typeof raw.goBackwards !== 'boolean') fail(op, `goBackwards must be a boolean, got ${JSON.stringify(raw.goBackwards)}`);
  if (raw.resetAfter !== undefined && typeof raw.resetAfter !== 'boolean') fail(op, `resetAfter must be a boolean, got ${JSON.stringify(raw.resetAfter)}`);
  const resetAfter = cell === 'gru' ? (raw.resetAfter ?? true) : false;
  const activation = act('activation', raw.activation, 'tanh');
  const recurrentActivation = cell === 'simpleRnn' ? 'sigmoid' : act('recurrentActivation', raw.recurrentActivation, 'sigmoid');
  if (inShapes.length > 4) fail(op, `takes 4 inputs (x, kernel, recurrentKernel, bias?), got ${inShapes.length}`);
  const [x, k, r, b] = inShapes;
  if (!x || !k || !r) fail(op, 'needs inputs x, kernel and recurrentKernel');
  if (x.length !== 3) fail(op, `x must be rank 3 [batch, T, features], got ${shapeStr(x)}`);
  const [batch, steps, features] = x as [number, number, number];
  if (batch < 1 || steps < 1 || features < 1) fail(op, `x ${shapeStr(x)} must have batch, T and features >= 1`);
  const same = (a: Shape, w: readonly number[]) => a.length === w.length && a.every((v, i) => v === w[i]);
  if (!same(k, [features, G * units])) fail(op, `kernel must be [features, ${G} * units] = [${features}, ${G * units}], got ${shapeStr(k)}`);
  if (!same(r, [units, G * units])) fail(op, `recurrentKernel must be [units, ${G} * units] = [${units}, ${G * units}], got ${shapeStr(r)}`);
  const biasShape = cell === 'gru' && resetAfter ? [2, 3 * units] : [G * units];
  if (b && !same(b, biasShape)) fail(op, `bias must be ${shapeStr(biasShape)}${cell === 'gru' ? ` (resetAfter ${resetAfter})` : ''}, got ${shapeStr(b)}`);
  return {
    attrs: {
      cell,
      G,
      units,
      batch,
      steps,
      features,
      goBackwards: raw.goBackwards ?? false,
      activation,
      recurrentActivation,
      act: RNN_ACT_CODE[activation],
      ract: RNN_ACT_CODE[recurrentActivation],
      resetAfter,
      hasBias: !!b,
    },
    outShapes: [[batch, steps, units], [batch, units], [batch, steps, G * units], cell === 'simpleRnn' ? [1] : [batch, steps, units]],
  };
}
