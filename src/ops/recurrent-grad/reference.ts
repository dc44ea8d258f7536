import type { KernelArgs } from '../../runtime/op.js';
import { rnnActivateRef } from '../recurrent/reference.js';
import type { RnnActivation } from '../recurrent/spec.js';
import { GRAD_IN, type RecurrentGradNorm } from './spec.js';

/** d act(a) / da written in terms of the activation's output y = act(a) (every RNN activation allows it). */
export function rnnActivationGradRef(y: number, a: RnnActivation): number {
  switch (a) {
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    case 'hard_sigmoid':
      return y > 0 && y < 1 ? 0.2 : 0;
    case 'relu':
      return y > 0 ? 1 : 0;
    default:
      return 1;
  }
}

/**
 * Plain BPTT, one sample at a time: recompute each step's gates from x and h_{s-1} (the saved sequence), then
 * walk the steps backwards accumulating the weight gradients and dx. Gate pre-activation gradients are DX (the
 * x W side) and DH (the h R side; they differ only for GRU's reset gate).
 */
export function recurrentGradReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, RecurrentGradNorm>): void {
  const { batch: B, steps: T, features: F, units: u, G, cell } = a;
  const GU = G * u;
  const x = inputs[GRAD_IN.x]!;
  const W = inputs[GRAD_IN.kernel]!;
  const R = inputs[GRAD_IN.recurrentKernel]!;
  const bias = inputs[GRAD_IN.bias];
  const hseq = inputs[GRAD_IN.hseq]!;
  const dy = inputs[GRAD_IN.dy]!;
  // The training forward's saved state, when given, stands in for the recompute below.
  const savedGates = inputs[GRAD_IN.gates];
  const savedAux = inputs[GRAD_IN.aux];
  const [dW, dR, dB, dx] = outputs as [Float64Array, Float64Array, Float64Array, Float64Array];
  dW.fill(0);
  dR.fill(0);
  dB.fill(0);
  dx.fill(0);
  const act = (v: number) => rnnActivateRef(v, a.activation);
  const ract = (v: number) => rnnActivateRef(v, a.recurrentActivation);
  const dact = (y: number) => rnnActivationGradRef(y, a.activation);
  const dract = (y: number) => rnnActivationGradRef(y, a.recurrentActivation);
  const recBias = cell === 'gru' && a.resetAfter;

  for (let b = 0; b < B; b++) {
    const tOf = (s: number) => (a.goBackwards ? T - 1 - s : s);
    const hprevOf = (s: number) => {
      const h = new Float64Array(u);
      if (s > 0) for (let j = 0; j < u; j++) h[j] = hseq[(b * T + s - 1) * u + j]!;
      return h;
    };
    // Forward recompute: per step the activated gates and (LSTM) the cell state, (GRU) h R + recurrent bias.
    const gates: Float64Array[] = [];
    const cells: Float64Array[] = [];
    const recs: Float64Array[] = [];
    // GRU resetAfter=false: r * h_{s-1}, the rows behind R_h's gradient.
    const rhps: Float64Array[] = [];
    let cPrev = new Float64Array(u);
    for (let s = 0; s < T; s++) {
      const t = tOf(s);
      const hp = hprevOf(s);
      const ax = new Float64Array(GU);
      const ah = new Float64Array(GU);
      for (let n = 0; n < GU; n++) {
        let sx = bias ? bias[n]! : 0;
        for (let f = 0; f < F; f++) sx += x[(b * T + t) * F + f]! * W[f * GU + n]!;
        ax[n] = sx;
        let sh = recBias && bias ? bias[GU + n]! : 0;
        for (let k = 0; k < u; k++) sh += hp[k]! * R[k * GU + n]!;
        ah[n] = sh;
      }
      const g = new Float64Array(GU);
      if (cell === 'lstm') {
        const c = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          const i = ract(ax[j]! + ah[j]!);
          const fg = ract(ax[u + j]! + ah[u + j]!);
          const gg = act(ax[2 * u + j]! + ah[2 * u + j]!);
          const o = ract(ax[3 * u + j]! + ah[3 * u + j]!);
          g[j] = i;
          g[u + j] = fg;
          g[2 * u + j] = gg;
          g[3 * u + j] = o;
          c[j] = fg * cPrev[j]! + i * gg;
        }
        cells.push(c);
        cPrev = c;
      } else if (cell === 'gru') {
        const r = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          g[j] = ract(ax[j]! + ah[j]!);
          r[j] = ract(ax[u + j]! + ah[u + j]!);
          g[u + j] = r[j]!;
        }
        for (let j = 0; j < u; j++) {
          if (a.resetAfter) g[2 * u + j] = act(ax[2 * u + j]! + r[j]! * ah[2 * u + j]!);
          else {
            let sr = 0;
            for (let k = 0; k < u; k++) sr += r[k]! * hp[k]! * R[k * GU + 2 * u + j]!;
            g[2 * u + j] = act(ax[2 * u + j]! + sr);
          }
        }
      } else {
        for (let j = 0; j < u; j++) g[j] = act(ax[j]! + ah[j]!);
      }
      if (savedGates) {
        g.set(savedGates.subarray((b * T + t) * GU, (b * T + t + 1) * GU));
        if (cell === 'lstm') cells[cells.length - 1]!.set(savedAux!.subarray((b * T + t) * u, (b * T + t + 1) * u));
        if (cell === 'gru' && a.resetAfter) ah.set(savedAux!.subarray((b * T + t) * u, (b * T + t + 1) * u), 2 * u);
      }
      const rhp = new Float64Array(u);
      for (let k = 0; k < u; k++) rhp[k] = cell === 'gru' && !a.resetAfter && savedAux ? savedAux[(b * T + t) * u + k]! : g[u + k]! * hp[k]!;
      rhps.push(rhp);
      gates.push(g);
      recs.push(ah);
    }

    // Backward through time.
    let dhNext = new Float64Array(u);
    let dcNext = new Float64Array(u);
    for (let s = T - 1; s >= 0; s--) {
      const t = tOf(s);
      const hp = hprevOf(s);
      const g = gates[s]!;
      const dh = new Float64Array(u);
      for (let j = 0; j < u; j++) {
        const d = a.returnSequences ? dy[(b * T + s) * u + j]! : s === T - 1 ? dy[b * u + j]! : 0;
        dh[j] = d + dhNext[j]!;
      }
      const DX = new Float64Array(GU);
      const DH = new Float64Array(GU);
      const nextH = new Float64Array(u);
      if (cell === 'lstm') {
        const c = cells[s]!;
        const cp = s > 0 ? cells[s - 1]! : new Float64Array(u);
        const dc = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          const i = g[j]!;
          const f = g[u + j]!;
          const gg = g[2 * u + j]!;
          const o = g[3 * u + j]!;
          const tc = act(c[j]!);
          dc[j] = dh[j]! * o * dact(tc) + dcNext[j]!;
          DX[j] = dc[j]! * gg * dract(i);
          DX[u + j] = dc[j]! * cp[j]! * dract(f);
          DX[2 * u + j] = dc[j]! * i * dact(gg);
          DX[3 * u + j] = dh[j]! * tc * dract(o);
          dcNext[j] = dc[j]! * f;
        }
        DH.set(DX);
      } else if (cell === 'gru') {
        const ah = recs[s]!;
        const dAh = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          const z = g[j]!;
          const hh = g[2 * u + j]!;
          DX[j] = dh[j]! * (hp[j]! - hh) * dract(z);
          dAh[j] = dh[j]! * (1 - z) * dact(hh);
          DX[2 * u + j] = dAh[j]!;
          nextH[j] = dh[j]! * z;
        }
        if (a.resetAfter) {
          for (let j = 0; j < u; j++) {
            const r = g[u + j]!;
            DX[u + j] = dAh[j]! * ah[2 * u + j]! * dract(r);
            DH[j] = DX[j]!;
            DH[u + j] = DX[u + j]!;
            DH[2 * u + j] = dAh[j]! * r;
          }
        } else {
          // (r * h) R_h: the reset gradient gathers dAh through R_h; R_h's gradient is (r * h)^T dAh.
          for (let k = 0; k < u; k++) {
            let q = 0;
            for (let j = 0; j < u; j++) q += dAh[j]! * R[k * GU + 2 * u + j]!;
            const r = g[u + k]!;
            DX[u + k] = q * hp[k]! * dract(r);
            nextH[k]! += q * r;
            for (let j = 0; j < u; j++) dR[k * GU + 2 * u + j]! += rhps[s]![k]! * dAh[j]!;
          }
          for (let j = 0; j < 2 * u; j++) DH[j] = DX[j]!;
        }
      } else {
        for (let j = 0; j < u; j++) DX[j] = dh[j]! * dact(g[j]!);
        DH.set(DX);
      }
      // Weight gradients and dx.
      for (let n = 0; n < GU; n++) {
        for (let f = 0; f < F; f++) dW[f * GU + n]! += x[(b * T + t) * F + f]! * DX[n]!;
        for (let k = 0; k < u; k++) dR[k * GU + n]! += hp[k]! * DH[n]!;
        dB[n]! += DX[n]!;
        if (recBias) dB[GU + n]! += DH[n]!;
      }
      if (a.inputGrad) {
        for (let f = 0; f < F; f++) {
          let sum = 0;
          for (let n = 0; n < GU; n++) sum += DX[n]! * W[f * GU + n]!;
          dx[(b * T + t) * F + f] = sum;
        }
      }
      // The gradient reaching h_{s-1}: through R (GRU resetAfter=false: only the z and r columns here).
      const nR = cell === 'gru' && !a.resetAfter ? 2 * u : GU;
      for (let k = 0; k < u; k++) {
        let sum = nextH[k]!;
        for (let n = 0; n < nR; n++) sum += DH[n]! * R[k * GU + n]!;
        dhNext[k] = sum;
      }
    }
  }
}
