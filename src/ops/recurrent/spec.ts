import { checkKeys, int, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';

/** The three recurrent cells; the registry names of their ops. */
export type RnnCell = 'lstm' | 'gru' | 'simpleRnn';

/** Gates per cell: LSTM i, f, c, o; GRU z, r, h; SimpleRNN one. */
export const GATES: Record<RnnCell, number> = { lstm: 4, gru: 3, simpleRnn: 1 };

/**
 * Activations a recurrent cell takes (Keras names; tfjs camelCase 'hardSigmoid' accepted too). hard_sigmoid is
 * Keras 2 / tfjs's clip(0.2 x + 0.5, 0, 1) (Keras 3 uses x / 6 + 0.5: not this).
 */
export const RNN_ACTIVATIONS = ['tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'linear'] as const;
export type RnnActivation = (typeof RNN_ACTIVATIONS)[number];
/** Codes shared by shaders/rnn.wgsl (ACT / RACT overrides) and assembly/rnn.ts (act4). */
export const RNN_ACT_CODE: Record<RnnActivation, number> = { linear: 0, relu: 1, sigmoid: 2, hard_sigmoid: 3, tanh: 4 };
const ACT_ALIASES: Record<string, RnnActivation> = { hardSigmoid: 'hard_sigmoid', none: 'linear' };

export const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

export interface RecurrentAttrs {
  /** Hidden size; must match the kernels' shapes. */
  units: number;
  /** Output every step ([batch, T, units]) instead of the last ([batch, units]). Default false. */
  returnSequences?: boolean;
  /** Also output the final states: h (and c for LSTM) per direction. Default false. */
  returnState?: boolean;
  /** Process the sequence last step first; the output sequence comes out in processing order, as Keras. */
  goBackwards?: boolean;
  /**
   * With goBackwards, write each step's output at its input time instead of in processing order (ONNX direction
   * 'reverse'; what Keras Bidirectional does to its backward half). Default false.
   */
  alignBackwards?: boolean;
  /** x is [T, batch, features] and the sequence output [T, batch, units] (Keras time_major). Default false. */
  timeMajor?: boolean;
  /** Cell activation (default tanh). */
  activation?: RnnActivation | 'hardSigmoid' | 'none';
  /** Gate activation, LSTM and GRU (default sigmoid). */
  recurrentActivation?: RnnActivation | 'hardSigmoid' | 'none';
  /** GRU only: apply the reset gate after the recurrent matmul (Keras 2 / tfjs default true; ONNX default false). */
  resetAfter?: boolean;
  /**
   * Keras masking: a masked step outputs zeros instead of the previous output (Keras sets this in Bidirectional
   * with returnSequences; ONNX sequence_lens outputs zeros past each sequence's end). Default false.
   */
  zeroOutputForMask?: boolean;
  /**
   * Run a second, backward direction too (Keras Bidirectional) and merge the two outputs. Its weights (and
   * optional bias, initial states, peepholes) come as the extra inputs 8..13.
   */
  bidirectional?: MergeMode;
}

/**
 * Input slots, shared by the three ops (absent ones undefined): ONNX's order for the first eight, then the
 * backward direction's own tensors.
 *   0 x [batch, T, features] ([T, batch, features] with timeMajor)
 *   1 kernel [features, G * units]          Keras layout, gates i f c o / z r h
 *   2 recurrentKernel [units, G * units]
 *   3 bias [G * units] (GRU resetAfter: [2, 3 * units], input bias then recurrent bias)
 *   4 mask: [batch, T] (0 = masked step) or per-sample sequence lengths [batch]
 *   5 initialH [batch, units]    6 initialC [batch, units] (LSTM)    7 peephole [3, units] (LSTM: i, f, o)
 *   8..13: kernel, recurrentKernel, bias, initialH, initialC, peephole of the backward direction.
 */
export const IN = { x: 0, kernel: 1, recurrentKernel: 2, bias: 3, mask: 4, initialH: 5, initialC: 6, peephole: 7 } as const;
/** Slot of a per-direction input for direction d (0 forward, 1 backward). */
export function dirSlot(d: number, name: 'kernel' | 'recurrentKernel' | 'bias' | 'initialH' | 'initialC' | 'peephole'): number {
  if (d === 0) return IN[name];
  return 8 + ['kernel', 'recurrentKernel', 'bias', 'initialH', 'initialC', 'peephole'].indexOf(name);
}

export interface RecurrentNorm {
  cell: RnnCell;
  /** Gates (4 / 3 / 1). */
  G: number;
  units: number;
  batch: number;
  steps: number;
  features: number;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  alignBackwards: boolean;
  timeMajor: boolean;
  zeroOutputForMask: boolean;
  activation: RnnActivation;
  recurrentActivation: RnnActivation;
  act: number;
  ract: number;
  resetAfter: boolean;
  /** null: one direction. */
  merge: MergeMode | null;
  dirs: number;
  /** 0 none, 1 sequence lengths [batch], 2 mask [batch, T]. */
  maskMode: number;
  /** Width of the output's last dim: units, or 2 units for a concat merge. */
  outUnits: number;
}

/** Per direction d: does step s read the input at time T-1-s, and is its output written at T-1-s? */
export function direction(a: RecurrentNorm, d: number): { reversed: boolean; flipOut: boolean } {
  const reversed = a.goBackwards !== (d === 1);
  // Keras Bidirectional re-reverses the backward layer's sequence (whatever its direction); alignBackwards asks
  // for that on a single reversed direction.
  const flipOut = a.merge ? d === 1 : a.goBackwards && a.alignBackwards;
  return { reversed, flipOut };
}

function bool(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail(op, `${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function activationOf(op: string, name: string, v: unknown, dflt: RnnActivation): RnnActivation {
  if (typeof v === 'string' && v in ACT_ALIASES) return ACT_ALIASES[v]!;
  return oneOf(op, name, v, RNN_ACTIVATIONS, dflt);
}

const KEYS_COMMON = ['units', 'returnSequences', 'returnState', 'goBackwards', 'alignBackwards', 'timeMajor', 'activation', 'zeroOutputForMask', 'bidirectional'];
const KEYS: Record<RnnCell, string[]> = {
  lstm: [...KEYS_COMMON, 'recurrentActivation'],
  gru: [...KEYS_COMMON, 'recurrentActivation', 'resetAfter'],
  simpleRnn: KEYS_COMMON,
};

/** Validates inputs and attributes of lstm / gru / simpleRnn; returns the normalised attributes and out shapes. */
export function prepareRecurrent(cell: RnnCell, inShapes: readonly (Shape | undefined)[], raw: RecurrentAttrs): { attrs: RecurrentNorm; outShapes: Shape[] } {
  const op = cell;
  if (raw === null || typeof raw !== 'object') fail(op, `attributes must be an object with at least { units }, got ${String(raw)}`);
  checkKeys(op, raw, KEYS[cell]);
  const G = GATES[cell];
  const units = int(op, 'units', raw.units, undefined, 1);
  const returnSequences = bool(op, 'returnSequences', raw.returnSequences, false);
  const returnState = bool(op, 'returnState', raw.returnState, false);
  const goBackwards = bool(op, 'goBackwards', raw.goBackwards, false);
  const alignBackwards = bool(op, 'alignBackwards', raw.alignBackwards, false);
  const timeMajor = bool(op, 'timeMajor', raw.timeMajor, false);
  const zeroOutputForMask = bool(op, 'zeroOutputForMask', raw.zeroOutputForMask, false);
  const resetAfter = cell === 'gru' ? bool(op, 'resetAfter', raw.resetAfter, true) : false;
  const activation = activationOf(op, 'activation', raw.activation, 'tanh');
  const recurrentActivation = cell === 'simpleRnn' ? 'sigmoid' : activationOf(op, 'recurrentActivation', raw.recurrentActivation, 'sigmoid');
  const merge = raw.bidirectional === undefined ? null : oneOf(op, 'bidirectional', raw.bidirectional, MERGE_MODES);
  const dirs = merge ? 2 : 1;
  if (merge && alignBackwards) fail(op, 'alignBackwards applies to a single reversed direction; bidirectional aligns its backward half itself');

  if (inShapes.length > 14) fail(op, `takes at most 14 inputs, got ${inShapes.length}`);
  const x = inShapes[IN.x];
  if (!x) fail(op, 'needs an input x');
  if (x.length !== 3) fail(op, `x must be rank 3 [${timeMajor ? 'T, batch' : 'batch, T'}, features], got rank ${x.length} ${shapeStr(x)}`);
  const [batch, steps] = timeMajor ? [x[1]!, x[0]!] : [x[0]!, x[1]!];
  const features = x[2]!;
  if (batch < 1) fail(op, `batch must be >= 1, got x ${shapeStr(x)}`);
  if (steps < 1) fail(op, `sequence length T must be >= 1, got x ${shapeStr(x)}`);
  if (features < 1) fail(op, `features must be >= 1, got x ${shapeStr(x)}`);

  const same = (a: Shape, b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  const dirName = (d: number, n: string) => (d === 1 ? `${n} (backward)` : n);
  for (let d = 0; d < 2; d++) {
    const k = inShapes[dirSlot(d, 'kernel')];
    const r = inShapes[dirSlot(d, 'recurrentKernel')];
    const b = inShapes[dirSlot(d, 'bias')];
    const h0 = inShapes[dirSlot(d, 'initialH')];
    const c0 = inShapes[dirSlot(d, 'initialC')];
    const p = inShapes[dirSlot(d, 'peephole')];
    if (d >= dirs) {
      const extra = [k, r, b, h0, c0, p].some((s) => s !== undefined);
      if (extra) fail(op, 'backward-direction inputs (8..13) given without bidirectional');
      continue;
    }
    if (!k) fail(op, `needs ${dirName(d, 'kernel')} [features, ${G} * units]`);
    if (!r) fail(op, `needs ${dirName(d, 'recurrentKernel')} [units, ${G} * units]`);
    if (k.length !== 2) fail(op, `${dirName(d, 'kernel')} must be rank 2 [features, ${G} * units], got ${shapeStr(k)}`);
    if (k[0] !== features) fail(op, `${dirName(d, 'kernel')} ${shapeStr(k)} must have ${features} rows (x features ${shapeStr(x)})`);
    if (k[1] !== G * units) fail(op, `${dirName(d, 'kernel')} ${shapeStr(k)} must have ${G} * units = ${G * units} columns (units mismatch?)`);
    if (!same(r, [units, G * units])) fail(op, `${dirName(d, 'recurrentKernel')} must be [units, ${G} * units] = [${units}, ${G * units}], got ${shapeStr(r)}`);
    if (b) {
      const want = cell === 'gru' && resetAfter ? [2, 3 * units] : [G * units];
      const ok = same(b, want);
      if (!ok) fail(op, `${dirName(d, 'bias')} must be ${shapeStr(want)}${cell === 'gru' ? ` (resetAfter ${resetAfter})` : ''}, got ${shapeStr(b)}`);
    }
    for (const [name, s] of [['initialH', h0], ['initialC', c0]] as const) {
      if (!s) continue;
      if (name === 'initialC' && cell !== 'lstm') fail(op, `initialC is for LSTM only`);
      if (!same(s, [batch, units])) fail(op, `${dirName(d, name)} must be [batch, units] = [${batch}, ${units}], got ${shapeStr(s)}`);
    }
    if (p) {
      if (cell !== 'lstm') fail(op, 'peephole weights are for LSTM only');
      if (sizeOf(p) !== 3 * units || p.length > 2 || (p.length === 2 && p[0] !== 3)) {
        fail(op, `${dirName(d, 'peephole')} must be [3, units] or [3 * units] = [${3 * units}] (i, f, o), got ${shapeStr(p)}`);
      }
    }
  }
  let maskMode = 0;
  const m = inShapes[IN.mask];
  if (m) {
    if (same(m, [batch])) maskMode = 1;
    else if (same(m, [batch, steps])) maskMode = 2;
    else fail(op, `mask must be sequence lengths [batch] = [${batch}] or a mask [batch, T] = [${batch}, ${steps}], got ${shapeStr(m)}`);
  }

  const outUnits = merge === 'concat' ? 2 * units : units;
  const seqShape = timeMajor ? [steps, batch, outUnits] : [batch, steps, outUnits];
  const outShapes: Shape[] = [returnSequences ? seqShape : [batch, outUnits]];
  if (returnState) {
    for (let d = 0; d < dirs; d++) {
      outShapes.push([batch, units]);
      if (cell === 'lstm') outShapes.push([batch, units]);
    }
  }
  return {
    attrs: {
      cell,
      G,
      units,
      batch,
      steps,
      features,
      returnSequences,
      returnState,
      goBackwards,
      alignBackwards,
      timeMajor,
      zeroOutputForMask,
      activation,
      recurrentActivation,
      act: RNN_ACT_CODE[activation],
      ract: RNN_ACT_CODE[recurrentActivation],
      resetAfter,
      merge,
      dirs,
      maskMode,
      outUnits,
    },
    outShapes,
  };
}
