import type { KernelArgs } from '../../runtime/op.js';
import { rnnActivateRef } from '../recurrent/reference.js';
import type { RecurrentTrainNorm } from './train-spec.js';

/** The Keras recurrence, step by step, keeping every step's activated gates and the auxiliary state. */
export function recurrentTrainReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, RecurrentTrainNorm>): void {
  const { batch: B, steps: T, features: F, units: u, G, cell } = a;
  const GU = G * u;
  const [x, W, R, bias] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array | undefined];
  const [hseq, hlast, gates, aux] = outputs as [Float64Array, Float64Array, Float64Array, Float64Array];
  const act = (v: number) => rnnActivateRef(v, a.activation);
  const ract = (v: number) => rnnActivateRef(v, a.recurrentActivation);
  if (cell === 'simpleRnn') aux.fill(0);
  for (let b = 0; b < B; b++) {
    const h = new Float64Array(u);
    const c = new Float64Array(u);
    for (let s = 0; s < T; s++) {
      const t = a.goBackwards ? T - 1 - s : s;
      const row = b * T + t;
      const ax = new Float64Array(GU);
      const ah = new Float64Array(GU);
      for (let n = 0; n < GU; n++) {
        let sx = bias ? bias[n]! : 0;
        for (let f = 0; f < F; f++) sx += x[row * F + f]! * W[f * GU + n]!;
        ax[n] = sx;
        let sh = cell === 'gru' && a.resetAfter && bias ? bias[GU + n]! : 0;
        for (let k = 0; k < u; k++) sh += h[k]! * R[k * GU + n]!;
        ah[n] = sh;
      }
      const g = gates.subarray(row * GU, (row + 1) * GU);
      const hNew = new Float64Array(u);
      if (cell === 'lstm') {
        for (let j = 0; j < u; j++) {
          g[j] = ract(ax[j]! + ah[j]!);
          g[u + j] = ract(ax[u + j]! + ah[u + j]!);
          g[2 * u + j] = act(ax[2 * u + j]! + ah[2 * u + j]!);
          g[3 * u + j] = ract(ax[3 * u + j]! + ah[3 * u + j]!);
          c[j] = g[u + j]! * c[j]! + g[j]! * g[2 * u + j]!;
          aux[row * u + j] = c[j]!;
          hNew[j] = g[3 * u + j]! * act(c[j]!);
        }
      } else if (cell === 'gru') {
        for (let j = 0; j < u; j++) {
          g[j] = ract(ax[j]! + ah[j]!);
          g[u + j] = ract(ax[u + j]! + ah[u + j]!);
        }
        for (let j = 0; j < u; j++) {
          if (a.resetAfter) {
            aux[row * u + j] = ah[2 * u + j]!;
            g[2 * u + j] = act(ax[2 * u + j]! + g[u + j]! * ah[2 * u + j]!);
          } else {
            let sr = 0;
            for (let k = 0; k < u; k++) sr += g[u + k]! * h[k]! * R[k * GU + 2 * u + j]!;
            aux[row * u + j] = g[u + j]! * h[j]!;
            g[2 * u + j] = act(ax[2 * u + j]! + sr);
          }
          hNew[j] = g[j]! * h[j]! + (1 - g[j]!) * g[2 * u + j]!;
        }
      } else {
        for (let j = 0; j < u; j++) {
          g[j] = act(ax[j]! + ah[j]!);
          hNew[j] = g[j]!;
        }
      }
      h.set(hNew);
      hseq.set(hNew, (b * T + s) * u);
    }
    hlast.set(h, b * u);
  }
}
