import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { colsumWasm, gemmTnWasm, gemmWasm } from '../dense-grad/wasm.js';
import type { RecurrentGradNorm } from './spec.js';

/** Cell codes of assembly/rnn_grad.ts and shaders/rnn_grad.wgsl. */
export function gradCellCode(a: RecurrentGradNorm): number {
  if (a.cell === 'lstm') return 1;
  if (a.cell === 'simpleRnn') return 0;
  return a.resetAfter ? 2 : 3;
}

const S = (ptr: number, size: number): WasmStorage => ({ ptr, size });

/**
 * xz = x W + b and hr = h_{s-1} R (+ recurrent bias) as two GEMMs over every step, the gate recompute and the
 * whole backward recurrence in one call each (assembly/rnn_grad.ts), then dW = x^T DX, dR = h_{s-1}^T DH,
 * dx = DX W^T as GEMMs and the bias gradient as column sums.
 */
export function recurrentGradWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, RecurrentGradNorm>): void {
  const { batch: B, steps: T, features: F, units: U, G } = a;
  const GU = G * U;
  const rows = B * T;
  const up4 = Math.ceil(U / 4) * 4;
  const cell = gradCellCode(a);
  const noRA = cell === 3;
  const [x, W, R, bias, hseq, dy, gates, aux] = inputs as [WasmStorage, WasmStorage, WasmStorage, WasmStorage | undefined, WasmStorage, WasmStorage, WasmStorage | undefined, WasmStorage | undefined];
  const saved = !!gates;
  const [dW, dR, dB, dx] = outputs as [WasmStorage, WasmStorage, WasmStorage, WasmStorage];
  const rev = a.goBackwards ? 1 : 0;
  /** Without the forward's saved state: x W + b and h_{s-1} R as GEMMs, then the gates (rnn_grad_recompute_f32). */
  const recomputeForward = (xz: number, hr: number, hp: number, cs: number, rhp: number) => {
    const recBias = cell === 2 && bias ? S(bias.ptr + GU * 4, GU) : undefined;
    gemmWasm(be, x, [rows, F], W, [F, GU], S(xz, rows * GU), {}, bias ? S(bias.ptr, GU) : undefined);
    gemmWasm(be, S(hp, rows * U), [rows, U], R, [U, GU], S(hr, rows * GU), {}, recBias);
    const recompute = (c: number) => be.call('rnn_grad_recompute_f32', c, xz, hr, cs, hp, rhp, B, T, U, a.act, a.ract, rev);
    if (noRA) {
      recompute(3);
      // (r * h_{s-1}) R: its h columns feed the candidate.
      gemmWasm(be, S(rhp, rows * U), [rows, U], R, [U, GU], S(hr, rows * GU));
      recompute(4);
    } else {
      recompute(cell);
    }
  };
  const sizes = [rows * GU, rows * GU, rows * U, a.cell === 'lstm' && !saved ? rows * U : 1, noRA && !saved ? rows * U : 1, GU * up4, 2 * B * up4, B * up4, noRA ? U * GU : 1];
  be.withScratch(sizes, (xz, hr, hp, csScratch, rhpScratch, rt, st, rec, m2) => {
    // Saved forward state: LSTM's c and GRU reset_after=false's r * h_{s-1} are read in place.
    const cs = saved && a.cell === 'lstm' ? aux!.ptr : csScratch;
    const rhp = saved && noRA ? aux!.ptr : rhpScratch;
    be.call('rnn_grad_shift_f32', hseq.ptr, hp, B, T, U, rev);
    if (saved) {
      be.f32(xz, rows * GU).set(be.f32(gates!.ptr, rows * GU));
    } else {
      recomputeForward(xz, hr, hp, cs, rhp);
    }
    be.call('rnn_grad_pack_rt_f32', R.ptr, U, GU, up4, rt);
    const auxRows = saved && cell === 2 ? aux!.ptr : 0;
    be.call('rnn_grad_backward_f32', cell, xz, hr, hp, cs, dy.ptr, rt, st, rec, B, T, U, up4, a.act, a.ract, a.returnSequences ? 1 : 0, rev, auxRows, U * 4);

    const DX = S(xz, rows * GU);
    const DH = S(cell === 2 || cell === 3 ? hr : xz, rows * GU);
    gemmTnWasm(be, x, rows, F, DX, GU, dW);
    gemmTnWasm(be, S(hp, rows * U), rows, U, DH, GU, dR);
    if (noRA) {
      gemmTnWasm(be, S(rhp, rows * U), rows, U, DX, GU, S(m2, U * GU));
      be.call('rnn_grad_merge_rh_f32', dR.ptr, m2, U, dR.ptr);
    }
    colsumWasm(be, xz, rows, GU, dB.ptr);
    if (cell === 2) colsumWasm(be, hr, rows, GU, dB.ptr + GU * 4);
    if (a.inputGrad) gemmWasm(be, DX, [rows, GU], W, [F, GU], dx, { transposeB: true });
    else be.f32(dx.ptr, 1)[0] = 0; // the [1] placeholder
  });
}
