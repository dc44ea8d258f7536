// lstm / gru / simpleRnn (Keras semantics) across shapes (batch 1..64, T 1..50, units 1..300, features 1..512),
// masks and sequence lengths, initial states, returnSequences / returnState, goBackwards, timeMajor,
// bidirectional merges, peepholes, both GRU variants and every activation. Weights are scaled like Glorot
// (uniform +-sqrt(3 / fan-in)) so gates stay out of saturation and the recurrences stay informative.
import type { BadCase, InputSpec, OpCase } from '../types.js';

type Op = 'lstm' | 'gru' | 'simpleRnn';
const GATES: Record<Op, number> = { lstm: 4, gru: 3, simpleRnn: 1 };

interface Opts {
  B: number;
  T: number;
  F: number;
  u: number;
  seq?: boolean;
  state?: boolean;
  back?: boolean;
  align?: boolean;
  timeMajor?: boolean;
  act?: string;
  ract?: string;
  resetAfter?: boolean;
  noBias?: boolean;
  h0?: boolean;
  c0?: boolean;
  /** Keras mask [B, T] (0/1). */
  mask?: number[];
  /** Sequence lengths [B]. */
  lens?: number[];
  zero?: boolean;
  peep?: boolean;
  bidi?: 'concat' | 'sum' | 'mul' | 'ave';
}

let seed = 1;
const rnd = (shape: number[], r: number): InputSpec => ({ shape, range: [-r, r], seed: seed++ });

function rc(op: Op, name: string, o: Opts): OpCase {
  const G = GATES[op];
  const { B, T, F, u } = o;
  const inputs: (InputSpec | null)[] = new Array(14).fill(null);
  inputs[0] = rnd(o.timeMajor ? [T, B, F] : [B, T, F], 1);
  if (o.mask) inputs[4] = { shape: [B, T], data: o.mask };
  if (o.lens) inputs[4] = { shape: [B], data: o.lens };
  const gruAfter = op === 'gru' && o.resetAfter !== false;
  const dirs = o.bidi ? 2 : 1;
  for (let d = 0; d < dirs; d++) {
    const at = (slot: number) => (d === 0 ? [1, 2, 3, 5, 6, 7][slot]! : 8 + slot);
    inputs[at(0)] = rnd([F, G * u], Math.sqrt(3 / F));
    inputs[at(1)] = rnd([u, G * u], Math.sqrt(3 / u));
    if (!o.noBias) inputs[at(2)] = rnd(gruAfter ? [2, 3 * u] : [G * u], 0.5);
    if (o.h0) inputs[at(3)] = rnd([B, u], 1);
    if (o.c0) inputs[at(4)] = rnd([B, u], 1);
    if (o.peep) inputs[at(5)] = rnd([3, u], 0.5);
  }
  const attrs: Record<string, unknown> = { units: u };
  if (o.seq) attrs.returnSequences = true;
  if (o.state) attrs.returnState = true;
  if (o.back) attrs.goBackwards = true;
  if (o.align) attrs.alignBackwards = true;
  if (o.timeMajor) attrs.timeMajor = true;
  if (o.act) attrs.activation = o.act;
  if (o.ract) attrs.recurrentActivation = o.ract;
  if (op === 'gru' && o.resetAfter !== undefined) attrs.resetAfter = o.resetAfter;
  if (o.zero) attrs.zeroOutputForMask = true;
  if (o.bidi) attrs.bidirectional = o.bidi;
  return { op, name, inputs, attrs };
}

/** A mask with holes: row b masks the steps where (b + t) % 3 == 1, and row 1 is masked from t = 2 on. */
function holes(B: number, T: number): number[] {
  const m: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) m.push((b + t) % 3 === 1 || (b === 1 && t >= 2) ? 0 : 1);
  return m;
}
/** Prefix masks (Masking of padded sequences): row b has max(0, T - b) valid steps; row B-1 none when B > T. */
function prefix(B: number, T: number): number[] {
  const m: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) m.push(t < T - b ? 1 : 0);
  return m;
}

// ---- Hand-computed values (closed-form gate equations in f64, independent of the reference's loops) ----
// Inputs reach every backend as f32: the closed forms take the same f32-rounded constants.
const f = Math.fround;
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const hsig = (v: number) => Math.min(1, Math.max(0, 0.2 * v + 0.5));

// 1-unit LSTM, T = 2, x = [1, -0.5], W = [0.1, 0.2, 0.3, 0.4], R = [0.5, -0.5, 0.25, 1], b = [0, 1, 0, 0]
// (unit forget bias), h0 = 0.3, c0 = -0.2; returnSequences + returnState.
function lstmHand(): number[][] {
  const W = [0.1, 0.2, 0.3, 0.4].map(f);
  const R = [0.5, -0.5, 0.25, 1];
  const b = [0, 1, 0, 0];
  let h = f(0.3);
  let c = f(-0.2);
  const ys: number[] = [];
  for (const x of [1, -0.5]) {
    const g = [0, 1, 2, 3].map((k) => x * W[k]! + h * R[k]! + b[k]!);
    c = sig(g[1]!) * c + sig(g[0]!) * Math.tanh(g[2]!);
    h = sig(g[3]!) * Math.tanh(c);
    ys.push(h);
  }
  return [ys, [h], [c]];
}

// 1-unit GRU, T = 2, x = [1, -0.5], W = [0.1, 0.2, 0.3], R = [0.5, -0.5, 0.25], h0 = 0.3; resetAfter with
// b = [[0.1, 0.2, 0.3], [-0.1, 0.05, 0.4]], resetAfter=false with b = [0.1, 0.2, 0.3].
function gruHand(resetAfter: boolean): number[][] {
  const W = [0.1, 0.2, 0.3].map(f);
  const R = [0.5, -0.5, 0.25];
  const bi = [0.1, 0.2, 0.3].map(f);
  const br = (resetAfter ? [-0.1, 0.05, 0.4] : [0, 0, 0]).map(f);
  let h = f(0.3);
  const ys: number[] = [];
  for (const x of [1, -0.5]) {
    const z = sig(x * W[0]! + bi[0]! + h * R[0]! + br[0]!);
    const r = sig(x * W[1]! + bi[1]! + h * R[1]! + br[1]!);
    const hh = resetAfter ? Math.tanh(x * W[2]! + bi[2]! + r * (h * R[2]! + br[2]!)) : Math.tanh(x * W[2]! + bi[2]! + r * h * R[2]!);
    h = z * h + (1 - z) * hh;
    ys.push(h);
  }
  return [ys, [h]];
}

// 2-unit SimpleRNN, hard to get wrong by transposition: x [1, 1, 1] = 2, W [1, 2] = [0.5, -1], R [2, 2] =
// [[0.1, 0.2], [0.3, 0.4]], b = [0.05, 0], h0 = [1, -1]: h = tanh(x W + h0 R + b).
const rnnHand = [[Math.tanh(2 * 0.5 + (f(0.1) - f(0.3)) + f(0.05)), Math.tanh(2 * -1 + (f(0.2) - f(0.4)) + 0)]];

function slots(entries: Record<number, InputSpec>): (InputSpec | null)[] {
  const a: (InputSpec | null)[] = new Array(14).fill(null);
  for (const [k, v] of Object.entries(entries)) a[Number(k)] = v;
  return a;
}

const hand: OpCase[] = [
  {
    op: 'lstm',
    name: 'hand-computed 1 unit, 2 steps, initial states, sequences + states',
    inputs: slots({
      0: { shape: [1, 2, 1], data: [1, -0.5] },
      1: { shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4] },
      2: { shape: [1, 4], data: [0.5, -0.5, 0.25, 1] },
      3: { shape: [4], data: [0, 1, 0, 0] },
      5: { shape: [1, 1], data: [0.3] },
      6: { shape: [1, 1], data: [-0.2] },
    }),
    attrs: { units: 1, returnSequences: true, returnState: true },
    expected: lstmHand(),
  },
  {
    op: 'lstm',
    name: 'hand-computed 1 unit, one step, hard_sigmoid gates',
    inputs: slots({ 0: { shape: [1, 1, 1], data: [2] }, 1: { shape: [1, 4], data: [1, -1, 0.5, 2] }, 2: { shape: [1, 4], data: [0, 0, 0, 0] } }),
    attrs: { units: 1, recurrentActivation: 'hard_sigmoid' },
    // i = hsig(2) = 0.9, f irrelevant (c0 = 0), g = tanh(1), o = hsig(4) = 1 (clipped)
    expected: [[hsig(4) * Math.tanh(hsig(2) * Math.tanh(1))]],
  },
  ...[true, false].map(
    (resetAfter): OpCase => ({
      op: 'gru',
      name: `hand-computed 1 unit, 2 steps, resetAfter ${resetAfter}`,
      inputs: slots({
        0: { shape: [1, 2, 1], data: [1, -0.5] },
        1: { shape: [1, 3], data: [0.1, 0.2, 0.3] },
        2: { shape: [1, 3], data: [0.5, -0.5, 0.25] },
        3: resetAfter ? { shape: [2, 3], data: [0.1, 0.2, 0.3, -0.1, 0.05, 0.4] } : { shape: [3], data: [0.1, 0.2, 0.3] },
        5: { shape: [1, 1], data: [0.3] },
      }),
      attrs: { units: 1, returnSequences: true, returnState: true, resetAfter },
      expected: gruHand(resetAfter),
    }),
  ),
  {
    op: 'simpleRnn',
    name: 'hand-computed 2 units, one step, initial state',
    inputs: slots({
      0: { shape: [1, 1, 1], data: [2] },
      1: { shape: [1, 2], data: [0.5, -1] },
      2: { shape: [2, 2], data: [0.1, 0.2, 0.3, 0.4] },
      3: { shape: [2], data: [0.05, 0] },
      5: { shape: [1, 2], data: [1, -1] },
    }),
    attrs: { units: 2 },
    expected: rnnHand,
  },
  {
    op: 'lstm',
    name: 'hand-computed mask: masked steps carry h, c and the previous output',
    // x = [1, 5, -0.5] with step 1 masked: the same as the 2-step case above, the masked step repeating y0.
    inputs: slots({
      0: { shape: [1, 3, 1], data: [1, 5, -0.5] },
      1: { shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4] },
      2: { shape: [1, 4], data: [0.5, -0.5, 0.25, 1] },
      3: { shape: [4], data: [0, 1, 0, 0] },
      4: { shape: [1, 3], data: [1, 0, 1] },
      5: { shape: [1, 1], data: [0.3] },
      6: { shape: [1, 1], data: [-0.2] },
    }),
    attrs: { units: 1, returnSequences: true, returnState: true },
    expected: (() => {
      const [ys, h, c] = lstmHand();
      return [[ys![0]!, ys![0]!, ys![1]!], h!, c!];
    })(),
  },
];

const lstmCases: OpCase[] = [
  rc('lstm', 'b1 T1 f1 u1', { B: 1, T: 1, F: 1, u: 1 }),
  rc('lstm', 'b3 T5 f7 u5 sequences (units not a multiple of 4)', { B: 3, T: 5, F: 7, u: 5, seq: true }),
  rc('lstm', 'seed shape b32 T10 f128 u64, last output', { B: 32, T: 10, F: 128, u: 64 }),
  rc('lstm', 'seed shape b32 T10 f128 u64, sequences + states', { B: 32, T: 10, F: 128, u: 64, seq: true, state: true }),
  rc('lstm', 'b64 T20 f64 u64', { B: 64, T: 20, F: 64, u: 64, seq: true }),
  rc('lstm', 'b2 T4 f512 u300', { B: 2, T: 4, F: 512, u: 300, state: true }),
  rc('lstm', 'b5 T50 f3 u8 long sequence', { B: 5, T: 50, F: 3, u: 8, seq: true }),
  rc('lstm', 'b7 T3 f9 u13 (row and unit tails)', { B: 7, T: 3, F: 9, u: 13, seq: true, state: true }),
  rc('lstm', 'b1 T10 f32 u128 batch 1', { B: 1, T: 10, F: 32, u: 128 }),
  rc('lstm', 'initial states, states out', { B: 4, T: 6, F: 5, u: 6, h0: true, c0: true, state: true, seq: true }),
  rc('lstm', 'initial h only', { B: 3, T: 4, F: 5, u: 4, h0: true, state: true }),
  rc('lstm', 'no bias', { B: 3, T: 4, F: 5, u: 4, noBias: true }),
  rc('lstm', 'mask with holes, sequences (previous output carried)', { B: 5, T: 7, F: 4, u: 6, mask: holes(5, 7), seq: true, state: true }),
  rc('lstm', 'mask with holes, zeroOutputForMask', { B: 5, T: 7, F: 4, u: 6, mask: holes(5, 7), seq: true, zero: true }),
  rc('lstm', 'prefix mask, last output (a fully masked row)', { B: 9, T: 7, F: 4, u: 6, mask: prefix(9, 7), state: true }),
  rc('lstm', 'prefix mask, initial states, last output', { B: 6, T: 5, F: 4, u: 5, mask: prefix(6, 5), h0: true, c0: true, state: true }),
  rc('lstm', 'sequence lengths, goBackwards, sequences + states', { B: 4, T: 6, F: 3, u: 5, lens: [6, 3, 0, 1], back: true, seq: true, state: true }),
  rc('lstm', 'sequence lengths, zero output, sequences', { B: 4, T: 6, F: 3, u: 5, lens: [6, 3, 0, 9], seq: true, zero: true, state: true }),
  rc('lstm', 'goBackwards, sequences (processing order)', { B: 3, T: 6, F: 4, u: 8, back: true, seq: true }),
  rc('lstm', 'goBackwards, alignBackwards', { B: 3, T: 6, F: 4, u: 8, back: true, align: true, seq: true }),
  rc('lstm', 'goBackwards, last output', { B: 3, T: 6, F: 4, u: 8, back: true, state: true }),
  rc('lstm', 'timeMajor, sequences', { B: 3, T: 5, F: 4, u: 8, timeMajor: true, seq: true }),
  rc('lstm', 'timeMajor, goBackwards, mask', { B: 4, T: 5, F: 4, u: 7, timeMajor: true, seq: true, back: true, mask: holes(4, 5) }),
  rc('lstm', 'hard_sigmoid gates, relu cell', { B: 4, T: 6, F: 8, u: 12, ract: 'hard_sigmoid', act: 'relu', seq: true }),
  rc('lstm', 'tfjs names: hardSigmoid gates', { B: 2, T: 4, F: 8, u: 8, ract: 'hardSigmoid' }),
  rc('lstm', 'sigmoid cell, linear gates', { B: 2, T: 4, F: 8, u: 8, act: 'sigmoid', ract: 'linear' }),
  rc('lstm', 'linear cell', { B: 2, T: 4, F: 8, u: 8, act: 'linear', seq: true }),
  rc('lstm', 'peepholes', { B: 3, T: 5, F: 4, u: 7, peep: true, h0: true, c0: true, seq: true, state: true }),
  rc('lstm', 'bidirectional concat, sequences', { B: 3, T: 5, F: 6, u: 7, bidi: 'concat', seq: true }),
  rc('lstm', 'bidirectional concat, last output, states, initial states', { B: 3, T: 5, F: 6, u: 8, bidi: 'concat', state: true, h0: true, c0: true }),
  rc('lstm', 'bidirectional sum, last output', { B: 5, T: 4, F: 6, u: 8, bidi: 'sum' }),
  rc('lstm', 'bidirectional mul, sequences', { B: 2, T: 4, F: 6, u: 5, bidi: 'mul', seq: true }),
  rc('lstm', 'bidirectional ave, prefix mask, zero output', { B: 4, T: 6, F: 6, u: 8, bidi: 'ave', seq: true, mask: prefix(4, 6), zero: true }),
  rc('lstm', 'bidirectional concat, goBackwards forward layer', { B: 2, T: 4, F: 3, u: 4, bidi: 'concat', back: true, seq: true }),
  rc('lstm', 'bidirectional concat b32 T10 f128 u64', { B: 32, T: 10, F: 128, u: 64, bidi: 'concat', seq: true }),
  // Units past what workgroup memory holds for the persistent webgpu kernel (it falls back to step dispatches).
  rc('lstm', 'one step b2 f16 u1024 (large hidden size)', { B: 2, T: 1, F: 16, u: 1024, h0: true, c0: true, state: true }),
];

const gruCases: OpCase[] = [true, false].flatMap((resetAfter) => {
  const tag = `resetAfter ${resetAfter}`;
  const g = (name: string, o: Opts) => rc('gru', `${name}, ${tag}`, { ...o, resetAfter });
  return [
    g('b1 T1 f1 u1', { B: 1, T: 1, F: 1, u: 1 }),
    g('b3 T5 f7 u5 sequences', { B: 3, T: 5, F: 7, u: 5, seq: true }),
    g('seed shape b32 T10 f128 u64', { B: 32, T: 10, F: 128, u: 64, state: true }),
    g('b64 T12 f32 u48', { B: 64, T: 12, F: 32, u: 48, seq: true }),
    g('b2 T4 f512 u300', { B: 2, T: 4, F: 512, u: 300 }),
    g('b3 T40 f3 u6 long sequence', { B: 3, T: 40, F: 3, u: 6, seq: true }),
    g('b7 T3 f9 u13 tails', { B: 7, T: 3, F: 9, u: 13, seq: true, state: true }),
    g('initial state', { B: 4, T: 5, F: 5, u: 6, h0: true, state: true, seq: true }),
    g('no bias', { B: 3, T: 4, F: 5, u: 4, noBias: true }),
    g('mask with holes', { B: 5, T: 7, F: 4, u: 6, mask: holes(5, 7), seq: true, state: true }),
    g('sequence lengths, goBackwards, zero output', { B: 4, T: 6, F: 3, u: 5, lens: [6, 3, 0, 1], back: true, seq: true, zero: true, state: true }),
    g('goBackwards, alignBackwards', { B: 3, T: 6, F: 4, u: 8, back: true, align: true, seq: true }),
    g('timeMajor', { B: 3, T: 5, F: 4, u: 8, timeMajor: true, seq: true }),
    g('hard_sigmoid gates, relu cell', { B: 4, T: 6, F: 8, u: 12, ract: 'hard_sigmoid', act: 'relu', seq: true }),
    g('bidirectional concat', { B: 3, T: 5, F: 6, u: 7, bidi: 'concat', seq: true, state: true }),
    g('bidirectional sum, mask', { B: 5, T: 4, F: 6, u: 8, bidi: 'sum', mask: prefix(5, 4) }),
  ];
});

const rnnCases: OpCase[] = [
  rc('simpleRnn', 'b1 T1 f1 u1', { B: 1, T: 1, F: 1, u: 1 }),
  rc('simpleRnn', 'b3 T5 f7 u5 sequences', { B: 3, T: 5, F: 7, u: 5, seq: true }),
  rc('simpleRnn', 'seed shape b32 T10 f128 u64', { B: 32, T: 10, F: 128, u: 64, seq: true, state: true }),
  rc('simpleRnn', 'b64 T50 f16 u20', { B: 64, T: 50, F: 16, u: 20 }),
  rc('simpleRnn', 'b2 T5 f512 u300', { B: 2, T: 5, F: 512, u: 300, seq: true }),
  rc('simpleRnn', 'b7 T3 f9 u33 tails', { B: 7, T: 3, F: 9, u: 33, seq: true, state: true }),
  rc('simpleRnn', 'b5 T3 f8 u320 (large recurrent kernel)', { B: 5, T: 3, F: 8, u: 320, seq: true, h0: true }),
  rc('simpleRnn', 'initial state', { B: 4, T: 5, F: 5, u: 6, h0: true, state: true }),
  rc('simpleRnn', 'relu', { B: 4, T: 8, F: 5, u: 16, act: 'relu', seq: true }),
  rc('simpleRnn', 'sigmoid', { B: 4, T: 8, F: 5, u: 16, act: 'sigmoid' }),
  rc('simpleRnn', 'linear, no bias', { B: 2, T: 6, F: 5, u: 6, act: 'linear', noBias: true, seq: true }),
  rc('simpleRnn', 'mask with holes', { B: 5, T: 7, F: 4, u: 6, mask: holes(5, 7), seq: true }),
  rc('simpleRnn', 'sequence lengths, last output', { B: 4, T: 6, F: 3, u: 5, lens: [6, 3, 0, 1], state: true }),
  rc('simpleRnn', 'goBackwards, timeMajor', { B: 3, T: 5, F: 4, u: 8, back: true, timeMajor: true, seq: true }),
  rc('simpleRnn', 'bidirectional concat', { B: 3, T: 5, F: 6, u: 7, bidi: 'concat', seq: true, state: true }),
  rc('simpleRnn', 'bidirectional ave', { B: 3, T: 5, F: 6, u: 7, bidi: 'ave' }),
];

export const recurrentCases: OpCase[] = [...hand, ...lstmCases, ...gruCases, ...rnnCases];

// ---- Bad inputs ----
const x = (...shape: number[]): InputSpec => ({ shape });
function badIn(op: Op, e: Record<number, InputSpec>, u = 4): (InputSpec | null)[] {
  const G = GATES[op];
  const base: Record<number, InputSpec> = { 0: x(2, 3, 5), 1: x(5, G * u), 2: x(u, G * u) };
  return slots({ ...base, ...e });
}
const bad = (op: Op, name: string, inputs: (InputSpec | null)[], attrs: unknown, message: RegExp): BadCase => ({
  op,
  name,
  inputs,
  attrs,
  error: 'InvalidArgumentError',
  message,
});

export const recurrentBadCases: BadCase[] = [
  bad('lstm', 'x rank 2', badIn('lstm', { 0: x(3, 5) }), { units: 4 }, /lstm: x must be rank 3/),
  bad('lstm', 'T = 0', badIn('lstm', { 0: x(2, 0, 5) }), { units: 4 }, /lstm: sequence length T must be >= 1/),
  bad('gru', 'batch 0', badIn('gru', { 0: x(0, 3, 5) }), { units: 4 }, /gru: batch must be >= 1/),
  bad('lstm', 'wrong feature size', badIn('lstm', { 0: x(2, 3, 6) }), { units: 4 }, /lstm: kernel \[5, 16\] must have 6 rows/),
  bad('lstm', 'kernel columns (units mismatch)', badIn('lstm', {}), { units: 5 }, /lstm: kernel \[5, 16\] must have 4 \* units = 20 columns \(units mismatch/),
  bad('gru', 'recurrentKernel shape', badIn('gru', { 2: x(4, 16) }), { units: 4 }, /gru: recurrentKernel must be \[units, 3 \* units\] = \[4, 12\], got \[4, 16\]/),
  bad('lstm', 'kernel rank 3', badIn('lstm', { 1: x(1, 5, 16) }), { units: 4 }, /lstm: kernel must be rank 2/),
  bad('lstm', 'missing recurrentKernel', slots({ 0: x(2, 3, 5), 1: x(5, 16) }), { units: 4 }, /lstm: needs recurrentKernel/),
  bad('lstm', 'bias size', badIn('lstm', { 3: x(12) }), { units: 4 }, /lstm: bias must be \[16\], got \[12\]/),
  bad('gru', 'resetAfter bias [3u]', badIn('gru', { 3: x(12) }), { units: 4 }, /gru: bias must be \[2, 12\] \(resetAfter true\)/),
  bad('gru', 'resetAfter=false bias [2, 3u]', badIn('gru', { 3: x(2, 12) }), { units: 4, resetAfter: false }, /gru: bias must be \[12\] \(resetAfter false\)/),
  bad('lstm', 'mismatched batch: initialH', badIn('lstm', { 5: x(3, 4) }), { units: 4 }, /lstm: initialH must be \[batch, units\] = \[2, 4\], got \[3, 4\]/),
  bad('lstm', 'mismatched batch: initialC', badIn('lstm', { 6: x(2, 5) }), { units: 4 }, /lstm: initialC must be \[batch, units\] = \[2, 4\], got \[2, 5\]/),
  bad('lstm', 'mismatched batch: mask', badIn('lstm', { 4: x(3, 3) }), { units: 4 }, /lstm: mask must be sequence lengths \[batch\] = \[2\] or a mask \[batch, T\] = \[2, 3\], got \[3, 3\]/),
  bad('simpleRnn', 'ragged mask (wrong T)', badIn('simpleRnn', { 4: x(2, 4) }), { units: 4 }, /simpleRnn: mask must be/),
  bad('gru', 'initialC on GRU', badIn('gru', { 6: x(2, 4) }), { units: 4 }, /gru: initialC is for LSTM only/),
  bad('simpleRnn', 'peephole on SimpleRNN', badIn('simpleRnn', { 7: x(3, 4) }), { units: 4 }, /simpleRnn: peephole weights are for LSTM only/),
  bad('lstm', 'peephole shape', badIn('lstm', { 7: x(4, 4) }), { units: 4 }, /lstm: peephole must be \[3, units\]/),
  bad('lstm', 'units NaN', badIn('lstm', {}), { units: NaN }, /lstm: units must be a number/),
  bad('lstm', 'units 0', badIn('lstm', {}), { units: 0 }, /lstm: units must be >= 1/),
  bad('gru', 'units 2.5', badIn('gru', {}), { units: 2.5 }, /gru: units must be an integer/),
  bad('lstm', 'units missing', badIn('lstm', {}), {}, /lstm: units must be a number/),
  bad('lstm', 'unknown option', badIn('lstm', {}), { units: 4, dropout: 0.1 }, /lstm: unknown option 'dropout'/),
  bad('lstm', 'resetAfter on LSTM', badIn('lstm', {}), { units: 4, resetAfter: true }, /lstm: unknown option 'resetAfter'/),
  bad('simpleRnn', 'recurrentActivation on SimpleRNN', badIn('simpleRnn', {}), { units: 4, recurrentActivation: 'sigmoid' }, /simpleRnn: unknown option 'recurrentActivation'/),
  bad('lstm', 'unknown activation', badIn('lstm', {}), { units: 4, activation: 'swish' }, /lstm: activation must be one of tanh, sigmoid, hard_sigmoid, relu, linear/),
  bad('gru', 'returnSequences not boolean', badIn('gru', {}), { units: 4, returnSequences: 1 }, /gru: returnSequences must be a boolean/),
  bad('lstm', 'unknown merge mode', badIn('lstm', {}), { units: 4, bidirectional: 'max' }, /lstm: bidirectional must be one of concat, sum, mul, ave/),
  bad('lstm', 'bidirectional without backward weights', badIn('lstm', {}), { units: 4, bidirectional: 'concat' }, /lstm: needs kernel \(backward\)/),
  bad('gru', 'backward weights without bidirectional', badIn('gru', { 8: x(5, 12), 9: x(4, 12) }), { units: 4 }, /gru: backward-direction inputs \(8\.\.13\) given without bidirectional/),
  bad('lstm', 'alignBackwards with bidirectional', badIn('lstm', { 8: x(5, 16), 9: x(4, 16) }), { units: 4, bidirectional: 'sum', alignBackwards: true }, /lstm: alignBackwards applies to a single reversed direction/),
  bad('lstm', 'attributes not an object', badIn('lstm', {}), null, /lstm: attributes must be an object/),
];
