// BPTT kernels (lstmGrad, gruGrad, simpleRnnGrad) against the f64 reference. hseq is random here: the kernels
// recompute the gates from it whatever it holds, so every backend must agree on any input; test/nn/
// train-gradcheck.test.ts checks the reference itself against finite differences of the forward op.
import type { BadCase, InputSpec, OpCase } from '../types.js';

const t = (shape: number[], seed: number, range: [number, number] = [-1, 1]): InputSpec => ({ shape, seed, range });

interface G {
  cell: 'lstm' | 'gru' | 'simpleRnn';
  B: number;
  T: number;
  F: number;
  u: number;
  seq?: boolean;
  bias?: boolean;
  attrs?: Record<string, unknown>;
}

function grad(name: string, g: G): OpCase {
  const G = { lstm: 4, gru: 3, simpleRnn: 1 }[g.cell];
  const resetAfter = g.cell === 'gru' && g.attrs?.resetAfter !== false;
  const bias = g.bias === false ? null : t(resetAfter ? [2, 3 * g.u] : [G * g.u], 4, [-0.5, 0.5]);
  return {
    op: `${g.cell}Grad`,
    name,
    inputs: [
      t([g.B, g.T, g.F], 1),
      t([g.F, G * g.u], 2, [-0.5, 0.5]),
      t([g.u, G * g.u], 3, [-0.5, 0.5]),
      bias,
      t([g.B, g.T, g.u], 5, [-0.9, 0.9]),
      t(g.seq ? [g.B, g.T, g.u] : [g.B, g.u], 6),
    ],
    attrs: { units: g.u, returnSequences: !!g.seq, ...g.attrs },
  };
}

export const recurrentGradCases: OpCase[] = [
  grad('lstm seq small', { cell: 'lstm', B: 2, T: 3, F: 3, u: 5, seq: true }),
  grad('lstm last step', { cell: 'lstm', B: 3, T: 4, F: 7, u: 4 }),
  grad('lstm seed shapes b32 T10 F128 u64', { cell: 'lstm', B: 32, T: 10, F: 128, u: 64, seq: true }),
  grad('lstm b5 (row tail) u13 goBackwards', { cell: 'lstm', B: 5, T: 6, F: 9, u: 13, attrs: { goBackwards: true } }),
  grad('lstm hard_sigmoid, no bias, no dx', { cell: 'lstm', B: 4, T: 5, F: 6, u: 8, seq: true, bias: false, attrs: { recurrentActivation: 'hard_sigmoid', inputGrad: false } }),
  grad('lstm relu activation T1', { cell: 'lstm', B: 2, T: 1, F: 3, u: 6, attrs: { activation: 'relu' } }),
  grad('lstm b1 T30 u33 F40', { cell: 'lstm', B: 1, T: 30, F: 40, u: 33, seq: true }),
  grad('gru resetAfter seq', { cell: 'gru', B: 2, T: 3, F: 3, u: 5, seq: true }),
  grad('gru resetAfter last b33 u64', { cell: 'gru', B: 33, T: 7, F: 20, u: 64 }),
  grad('gru resetAfter goBackwards u7', { cell: 'gru', B: 4, T: 5, F: 4, u: 7, seq: true, attrs: { goBackwards: true } }),
  grad('gru resetAfter=false seq', { cell: 'gru', B: 3, T: 4, F: 5, u: 6, seq: true, attrs: { resetAfter: false } }),
  grad('gru resetAfter=false last u9 b6', { cell: 'gru', B: 6, T: 5, F: 8, u: 9, attrs: { resetAfter: false } }),
  grad('gru resetAfter=false goBackwards hard_sigmoid', { cell: 'gru', B: 4, T: 3, F: 4, u: 4, attrs: { resetAfter: false, goBackwards: true, recurrentActivation: 'hard_sigmoid' } }),
  grad('gru no bias', { cell: 'gru', B: 2, T: 4, F: 3, u: 4, bias: false }),
  grad('simpleRnn seq', { cell: 'simpleRnn', B: 3, T: 5, F: 4, u: 6, seq: true }),
  grad('simpleRnn last relu u17', { cell: 'simpleRnn', B: 9, T: 4, F: 10, u: 17, attrs: { activation: 'relu' } }),
  grad('simpleRnn goBackwards sigmoid', { cell: 'simpleRnn', B: 2, T: 6, F: 3, u: 5, seq: true, attrs: { goBackwards: true, activation: 'sigmoid' } }),
];

const bad = (name: string, c: OpCase, message: RegExp): BadCase => ({ op: c.op, name, inputs: c.inputs, attrs: c.attrs, error: 'InvalidArgumentError', message });
const base = grad('base', { cell: 'lstm', B: 2, T: 3, F: 3, u: 4, seq: true });

export const recurrentGradBadCases: BadCase[] = [
  bad('dy without returnSequences shape', { ...base, attrs: { units: 4 } }, /lstmGrad: dy must be \[2, 4\] \(returnSequences false\), got \[2, 3, 4\]/),
  bad('wrong hseq', { ...base, inputs: base.inputs.map((s, i) => (i === 4 ? t([2, 2, 4], 5) : s)) }, /hseq must be \[batch, T, units\] = \[2, 3, 4\]/),
  bad('units mismatch', { ...base, attrs: { units: 5, returnSequences: true } }, /kernel must be \[features, 4 \* units\] = \[3, 20\]/),
  bad('unknown option', { ...base, attrs: { units: 4, returnSequences: true, peepholes: true } }, /lstmGrad: unknown option 'peepholes'/),
  bad('resetAfter on lstm', { ...base, attrs: { units: 4, returnSequences: true, resetAfter: true } }, /unknown option 'resetAfter'/),
  bad('NaN units', { ...base, attrs: { units: NaN } }, /units must be a number/),
];

interface TF {
  cell: 'lstm' | 'gru' | 'simpleRnn';
  B: number;
  T: number;
  F: number;
  u: number;
  bias?: boolean;
  attrs?: Record<string, unknown>;
}

/** The training forward (lstmTrain / gruTrain / simpleRnnTrain): h sequence, last h, saved gates and aux. */
function train(name: string, g: TF): OpCase {
  const G = { lstm: 4, gru: 3, simpleRnn: 1 }[g.cell];
  const resetAfter = g.cell === 'gru' && g.attrs?.resetAfter !== false;
  return {
    op: `${g.cell}Train`,
    name,
    inputs: [t([g.B, g.T, g.F], 1), t([g.F, G * g.u], 2, [-0.5, 0.5]), t([g.u, G * g.u], 3, [-0.5, 0.5]), g.bias === false ? null : t(resetAfter ? [2, 3 * g.u] : [G * g.u], 4, [-0.5, 0.5])],
    attrs: { units: g.u, ...g.attrs },
  };
}

/** The backward from saved state: random gates / aux are fine, every backend must use them the same way. */
function gradSaved(name: string, g: G): OpCase {
  const c = grad(name, g);
  const G = { lstm: 4, gru: 3, simpleRnn: 1 }[g.cell];
  const gates = t([g.B, g.T, G * g.u], 7, [0.05, 0.95]);
  const aux = g.cell === 'simpleRnn' ? null : t([g.B, g.T, g.u], 8, [-0.9, 0.9]);
  return { ...c, name: `${name} (saved forward state)`, inputs: [...c.inputs, gates, aux] };
}

export const recurrentTrainCases: OpCase[] = [
  train('lstm train forward small', { cell: 'lstm', B: 2, T: 3, F: 3, u: 5 }),
  train('lstm train forward seed shapes b32 T10 F128 u64', { cell: 'lstm', B: 32, T: 10, F: 128, u: 64 }),
  train('lstm train forward goBackwards u13 b5 hard_sigmoid no bias', { cell: 'lstm', B: 5, T: 6, F: 9, u: 13, bias: false, attrs: { goBackwards: true, recurrentActivation: 'hard_sigmoid' } }),
  train('gru train forward resetAfter', { cell: 'gru', B: 3, T: 4, F: 5, u: 7 }),
  train('gru train forward resetAfter b33 u64', { cell: 'gru', B: 33, T: 7, F: 20, u: 64 }),
  train('gru train forward resetAfter=false', { cell: 'gru', B: 4, T: 5, F: 6, u: 9, attrs: { resetAfter: false } }),
  train('gru train forward resetAfter=false goBackwards u4', { cell: 'gru', B: 2, T: 3, F: 4, u: 4, attrs: { resetAfter: false, goBackwards: true } }),
  train('simpleRnn train forward relu', { cell: 'simpleRnn', B: 6, T: 4, F: 10, u: 17, attrs: { activation: 'relu' } }),
  train('simpleRnn train forward T1', { cell: 'simpleRnn', B: 1, T: 1, F: 3, u: 2 }),
  gradSaved('lstm seq', { cell: 'lstm', B: 3, T: 4, F: 5, u: 6, seq: true }),
  gradSaved('lstm seed shapes last step', { cell: 'lstm', B: 32, T: 10, F: 64, u: 64 }),
  gradSaved('gru resetAfter goBackwards u7', { cell: 'gru', B: 4, T: 5, F: 4, u: 7, seq: true, attrs: { goBackwards: true } }),
  gradSaved('gru resetAfter=false last u9', { cell: 'gru', B: 6, T: 5, F: 8, u: 9, attrs: { resetAfter: false } }),
  gradSaved('simpleRnn seq', { cell: 'simpleRnn', B: 3, T: 5, F: 4, u: 6, seq: true }),
];

export const recurrentTrainBadCases: BadCase[] = [
  bad('gates without aux', { ...base, inputs: [...base.inputs, t([2, 3, 16], 7)] }, /gates and aux .* come together/),
  bad('gates shape', { ...base, inputs: [...base.inputs, t([2, 3, 15], 7), t([2, 3, 4], 8)] }, /gates must be \[batch, T, 4 \* units\] = \[2, 3, 16\]/),
  { op: 'lstmTrain', name: 'train forward: wrong kernel', inputs: [t([2, 3, 4], 1), t([5, 8], 2), t([2, 8], 3), null], attrs: { units: 2 }, error: 'InvalidArgumentError', message: /lstmTrain: kernel must be \[features, 4 \* units\] = \[4, 8\]/ },
  { op: 'gruTrain', name: 'train forward: unknown option', inputs: [t([2, 3, 4], 1), t([4, 6], 2), t([2, 6], 3), null], attrs: { units: 2, returnSequences: true }, error: 'InvalidArgumentError', message: /gruTrain: unknown option 'returnSequences'/ },
];
