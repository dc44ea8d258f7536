import type { KernelArgs } from '../../runtime/op.js';
import { dirSlot, direction, IN, type RecurrentNorm, type RnnActivation } from './spec.js';

/** The f64 reference of each recurrent activation (Keras 2 / tfjs definitions). */
export function rnnActivateRef(x: number, a: RnnActivation): number {
  switch (a) {
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'hard_sigmoid':
      return Math.min(1, Math.max(0, 0.2 * x + 0.5));
    case 'relu':
      return Math.max(0, x);
    default:
      return x;
  }
}

/**
 * Keras's recurrent loop, written plainly: per direction and step, the gate pre-activations x W + b + h R, the
 * cell update, then masking (a masked step keeps h and c and outputs the previous output, or zeros), then the
 * bidirectional merge.
 */
export function recurrentReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, RecurrentNorm>): void {
  const { batch: B, steps: T, features: F, units: u, G } = a;
  const x = inputs[IN.x]!;
  const mask = inputs[IN.mask];
  const valid = (b: number, t: number): boolean => {
    if (a.maskMode === 1) return t < mask![b]!;
    if (a.maskMode === 2) return mask![b * T + t]! !== 0;
    return true;
  };
  const xAt = (b: number, t: number, f: number) => x[(a.timeMajor ? t * B + b : b * T + t) * F + f]!;
  const act = (v: number) => rnnActivateRef(v, a.activation);
  const ract = (v: number) => rnnActivateRef(v, a.recurrentActivation);

  // Per direction: the output sequence [B, T, u] (in output order) and the last output [B, u].
  const seqs: Float64Array[] = [];
  const lasts: Float64Array[] = [];
  let o = 1;
  for (let d = 0; d < a.dirs; d++) {
    const W = inputs[dirSlot(d, 'kernel')]!;
    const R = inputs[dirSlot(d, 'recurrentKernel')]!;
    const bias = inputs[dirSlot(d, 'bias')];
    const h0 = inputs[dirSlot(d, 'initialH')];
    const c0 = inputs[dirSlot(d, 'initialC')];
    const peep = inputs[dirSlot(d, 'peephole')];
    const { reversed, flipOut } = direction(a, d);
    const h = h0 ? Float64Array.from(h0) : new Float64Array(B * u);
    const c = c0 ? Float64Array.from(c0) : new Float64Array(B * u);
    const prev = new Float64Array(B * u); // previous output (Keras starts it at zeros)
    const seq = new Float64Array(B * T * u);
    const gx = new Float64Array(G * u); // x W + input bias
    const gh = new Float64Array(G * u); // h R (+ recurrent bias for GRU resetAfter)
    for (let s = 0; s < T; s++) {
      const t = reversed ? T - 1 - s : s;
      const pos = flipOut ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        for (let n = 0; n < G * u; n++) {
          let sx = bias ? bias[n]! : 0;
          for (let f = 0; f < F; f++) sx += xAt(b, t, f) * W[f * G * u + n]!;
          gx[n] = sx;
          let sh = bias && a.cell === 'gru' && a.resetAfter ? bias[G * u + n]! : 0;
          for (let k = 0; k < u; k++) sh += h[b * u + k]! * R[k * G * u + n]!;
          gh[n] = sh;
        }
        const hNew = new Float64Array(u);
        const cNew = new Float64Array(u);
        // GRU resetAfter=false: every unit's reset gate, needed by each unit's (r * h) R_h.
        const rAll = new Float64Array(u);
        if (a.cell === 'gru' && !a.resetAfter) for (let k = 0; k < u; k++) rAll[k] = ract(gx[u + k]! + gh[u + k]!);
        for (let j = 0; j < u; j++) {
          const cj = c[b * u + j]!;
          const hj = h[b * u + j]!;
          if (a.cell === 'lstm') {
            const pi = peep ? peep[j]! : 0;
            const pf = peep ? peep[u + j]! : 0;
            const po = peep ? peep[2 * u + j]! : 0;
            const i = ract(gx[j]! + gh[j]! + pi * cj);
            const f = ract(gx[u + j]! + gh[u + j]! + pf * cj);
            const g = act(gx[2 * u + j]! + gh[2 * u + j]!);
            cNew[j] = f * cj + i * g;
            const og = ract(gx[3 * u + j]! + gh[3 * u + j]! + po * cNew[j]!);
            hNew[j] = og * act(cNew[j]!);
          } else if (a.cell === 'gru') {
            const z = ract(gx[j]! + gh[j]!);
            const r = ract(gx[u + j]! + gh[u + j]!);
            let hh: number;
            if (a.resetAfter) {
              hh = act(gx[2 * u + j]! + r * gh[2 * u + j]!);
            } else {
              // (r * h) R_h: the reset gate of every unit scales h before the product.
              let sr = 0;
              for (let k = 0; k < u; k++) sr += rAll[k]! * h[b * u + k]! * R[k * G * u + 2 * u + j]!;
              hh = act(gx[2 * u + j]! + sr);
            }
            hNew[j] = z * hj + (1 - z) * hh;
          } else {
            hNew[j] = act(gx[j]! + gh[j]!);
          }
        }
        const ok = valid(b, t);
        for (let j = 0; j < u; j++) {
          let out: number;
          if (ok) {
            h[b * u + j] = hNew[j]!;
            if (a.cell === 'lstm') c[b * u + j] = cNew[j]!;
            out = hNew[j]!;
          } else {
            out = a.zeroOutputForMask ? 0 : prev[b * u + j]!;
          }
          prev[b * u + j] = out;
          seq[(b * T + pos) * u + j] = out;
        }
      }
    }
    seqs.push(seq);
    lasts.push(prev);
    if (a.returnState) {
      outputs[o++]!.set(h);
      if (a.cell === 'lstm') outputs[o++]!.set(c);
    }
  }

  const out = outputs[0]!;
  const U = a.outUnits;
  const rows = a.returnSequences ? B * T : B;
  for (let row = 0; row < rows; row++) {
    // Output row index: [b, t] or [t, b] (timeMajor) for sequences, [b] for the last output.
    const b = a.returnSequences ? (a.timeMajor ? row % B : Math.floor(row / T)) : row;
    const t = a.returnSequences ? (a.timeMajor ? Math.floor(row / B) : row % T) : 0;
    for (let j = 0; j < u; j++) {
      const v = (d: number) => (a.returnSequences ? seqs[d]![(b * T + t) * u + j]! : lasts[d]![b * u + j]!);
      if (!a.merge) out[row * U + j] = v(0);
      else if (a.merge === 'concat') {
        out[row * U + j] = v(0);
        out[row * U + u + j] = v(1);
      } else if (a.merge === 'sum') out[row * U + j] = v(0) + v(1);
      else if (a.merge === 'mul') out[row * U + j] = v(0) * v(1);
      else out[row * U + j] = (v(0) + v(1)) / 2;
    }
  }
}
