// Gradient checks in f64: every trainable weight (and dx) of LSTM, GRU (both reset variants), SimpleRNN and Dense,
// from the backward references, against central finite differences of the forward references.
import { describe, expect, it } from 'vitest';
import { recurrentReference } from '../../src/ops/recurrent/reference.js';
import { prepareRecurrent, type RnnCell } from '../../src/ops/recurrent/spec.js';
import { recurrentGradReference } from '../../src/ops/recurrent-grad/reference.js';
import { prepareRecurrentGrad } from '../../src/ops/recurrent-grad/spec.js';
import { recurrentTrainReference } from '../../src/ops/recurrent-grad/train-reference.js';
import { prepareRecurrentTrain } from '../../src/ops/recurrent-grad/train-spec.js';
import { seededUniform } from '../support/random.js';

const rand = (seed: number, n: number, s = 1) => Float64Array.from(seededUniform(seed, n, -s, s));

interface RnnCase {
  cell: RnnCell;
  B: number;
  T: number;
  F: number;
  u: number;
  returnSequences: boolean;
  goBackwards?: boolean;
  resetAfter?: boolean;
  recurrentActivation?: 'sigmoid' | 'hard_sigmoid';
  activation?: 'tanh' | 'relu' | 'sigmoid';
  bias?: boolean;
}

function rnnForward(c: RnnCase, x: Float64Array, W: Float64Array, R: Float64Array, bias: Float64Array | undefined): Float64Array {
  const G = { lstm: 4, gru: 3, simpleRnn: 1 }[c.cell];
  const biasShape = c.cell === 'gru' && c.resetAfter !== false ? [2, 3 * c.u] : [G * c.u];
  const shapes = new Array(14).fill(undefined);
  shapes[0] = [c.B, c.T, c.F];
  shapes[1] = [c.F, G * c.u];
  shapes[2] = [c.u, G * c.u];
  if (bias) shapes[3] = biasShape;
  const attrs: Record<string, unknown> = { units: c.u, returnSequences: true, goBackwards: c.goBackwards, activation: c.activation };
  if (c.cell !== 'simpleRnn') attrs.recurrentActivation = c.recurrentActivation;
  if (c.cell === 'gru') attrs.resetAfter = c.resetAfter;
  const { attrs: norm } = prepareRecurrent(c.cell, shapes, attrs);
  const out = new Float64Array(c.B * c.T * c.u);
  const inputs = new Array(14).fill(undefined);
  inputs[0] = x;
  inputs[1] = W;
  inputs[2] = R;
  inputs[3] = bias;
  recurrentReference(null, { inputs, inShapes: shapes, outputs: [out], outShapes: [[c.B, c.T, c.u]], attrs: norm });
  return out;
}

/** L = sum(dy * y), y the layer output (sequence or last step). */
function rnnLoss(c: RnnCase, seq: Float64Array, dy: Float64Array): number {
  let L = 0;
  for (let b = 0; b < c.B; b++)
    for (let s = 0; s < c.T; s++)
      for (let j = 0; j < c.u; j++) {
        if (!c.returnSequences && s !== c.T - 1) continue;
        const w = c.returnSequences ? dy[(b * c.T + s) * c.u + j]! : dy[b * c.u + j]!;
        L += w * seq[(b * c.T + s) * c.u + j]!;
      }
  return L;
}

function checkRnn(c: RnnCase): void {
  const G = { lstm: 4, gru: 3, simpleRnn: 1 }[c.cell];
  const GU = G * c.u;
  const x = rand(1, c.B * c.T * c.F);
  const W = rand(2, c.F * GU, 0.6);
  const R = rand(3, c.u * GU, 0.6);
  const nb = c.cell === 'gru' && c.resetAfter !== false ? 2 * GU : GU;
  const bias = c.bias === false ? undefined : rand(4, nb, 0.5);
  const dy = rand(5, c.returnSequences ? c.B * c.T * c.u : c.B * c.u);
  const hseq = rnnForward(c, x, W, R, bias);
  const attrs: Record<string, unknown> = { units: c.u, returnSequences: c.returnSequences, goBackwards: c.goBackwards, activation: c.activation };
  if (c.cell !== 'simpleRnn') attrs.recurrentActivation = c.recurrentActivation;
  if (c.cell === 'gru') attrs.resetAfter = c.resetAfter;
  const inShapes = [[c.B, c.T, c.F], [c.F, GU], [c.u, GU], bias ? (nb === GU ? [GU] : [2, 3 * c.u]) : undefined, [c.B, c.T, c.u], c.returnSequences ? [c.B, c.T, c.u] : [c.B, c.u]];
  const { attrs: norm, outShapes } = prepareRecurrentGrad(c.cell, inShapes, attrs);
  const outputs = outShapes.map((s) => new Float64Array(s.reduce((p, q) => p * q, 1)));
  recurrentGradReference(null, { inputs: [x, W, R, bias, hseq, dy], inShapes, outputs, outShapes, attrs: norm });
  const [dW, dR, dB, dx] = outputs as [Float64Array, Float64Array, Float64Array, Float64Array];

  // The training forward (lstmTrain / gruTrain / simpleRnnTrain) computes the recurrent op's sequence, and its
  // saved state gives the backward the same gradients as recomputing.
  const tAttrs: Record<string, unknown> = { units: c.u, goBackwards: c.goBackwards, activation: c.activation };
  if (c.cell !== 'simpleRnn') tAttrs.recurrentActivation = c.recurrentActivation;
  if (c.cell === 'gru') tAttrs.resetAfter = c.resetAfter;
  const tShapes = inShapes.slice(0, 4);
  const tp = prepareRecurrentTrain(c.cell, tShapes, tAttrs);
  const tOut = tp.outShapes.map((sh) => new Float64Array(sh.reduce((p, q) => p * q, 1)));
  recurrentTrainReference(null, { inputs: [x, W, R, bias], inShapes: tShapes, outputs: tOut, outShapes: tp.outShapes, attrs: tp.attrs });
  tOut[0]!.forEach((v, i) => expect(Math.abs(v - hseq[i]!)).toBeLessThan(1e-12));
  const savedShapes = [...inShapes, tp.outShapes[2]!, c.cell === 'simpleRnn' ? undefined : tp.outShapes[3]!];
  const sp = prepareRecurrentGrad(c.cell, savedShapes, attrs);
  const sOut = sp.outShapes.map((sh) => new Float64Array(sh.reduce((p, q) => p * q, 1)));
  recurrentGradReference(null, { inputs: [x, W, R, bias, hseq, dy, tOut[2], c.cell === 'simpleRnn' ? undefined : tOut[3]], inShapes: savedShapes, outputs: sOut, outShapes: sp.outShapes, attrs: sp.attrs });
  sOut.forEach((o, k) => o.forEach((v, i) => expect(Math.abs(v - outputs[k]![i]!)).toBeLessThan(1e-12)));

  const eps = 1e-6;
  const params: [string, Float64Array, Float64Array][] = [['kernel', W, dW], ['recurrentKernel', R, dR], ['x', x, dx]];
  if (bias) params.push(['bias', bias, dB]);
  for (const [name, p, g] of params) {
    let worst = 0;
    for (let i = 0; i < p.length; i++) {
      const v = p[i]!;
      p[i] = v + eps;
      const lp = rnnLoss(c, rnnForward(c, x, W, R, bias), dy);
      p[i] = v - eps;
      const lm = rnnLoss(c, rnnForward(c, x, W, R, bias), dy);
      p[i] = v;
      const fd = (lp - lm) / (2 * eps);
      const err = Math.abs(fd - g[i]!) / (1e-6 + Math.abs(fd) + Math.abs(g[i]!));
      worst = Math.max(worst, Math.abs(fd - g[i]!) > 1e-7 ? err : 0);
    }
    expect(worst, `${c.cell} ${name}`).toBeLessThan(1e-5);
  }
}

describe('recurrent backward references vs central finite differences (f64)', () => {
  const cases: [string, RnnCase][] = [
    ['lstm seq', { cell: 'lstm', B: 2, T: 4, F: 3, u: 3, returnSequences: true }],
    ['lstm last, goBackwards', { cell: 'lstm', B: 2, T: 3, F: 2, u: 4, returnSequences: false, goBackwards: true }],
    ['lstm relu activation, no bias', { cell: 'lstm', B: 1, T: 3, F: 2, u: 2, returnSequences: true, activation: 'relu', bias: false }],
    ['gru resetAfter seq', { cell: 'gru', B: 2, T: 4, F: 3, u: 3, returnSequences: true }],
    ['gru resetAfter last, goBackwards', { cell: 'gru', B: 2, T: 3, F: 2, u: 3, returnSequences: false, goBackwards: true }],
    ['gru resetAfter=false seq', { cell: 'gru', B: 2, T: 4, F: 3, u: 3, returnSequences: true, resetAfter: false }],
    ['gru resetAfter=false last', { cell: 'gru', B: 1, T: 3, F: 2, u: 4, returnSequences: false, resetAfter: false }],
    ['simpleRnn seq', { cell: 'simpleRnn', B: 2, T: 4, F: 3, u: 3, returnSequences: true }],
    ['simpleRnn last, sigmoid, goBackwards', { cell: 'simpleRnn', B: 2, T: 3, F: 2, u: 2, returnSequences: false, activation: 'sigmoid', goBackwards: true }],
  ];
  for (const [name, c] of cases) it(name, () => checkRnn(c));
});
