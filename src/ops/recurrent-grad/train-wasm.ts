import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { gemmWasm } from '../dense-grad/wasm.js';
import type { RecurrentTrainNorm } from './train-spec.js';

/** Cell codes of assembly/rnn_grad.ts. */
export function trainCellCode(a: { cell: string; resetAfter: boolean }): number {
  if (a.cell === 'lstm') return 1;
  if (a.cell === 'simpleRnn') return 0;
  return a.resetAfter ? 2 : 3;
}

/** Padded width of R's rows: whole v128 loads past the last column (and GRU's R_h block) stay inside. */
export function paddedGates(GU: number): number {
  return Math.ceil(GU / 4) * 4 + 4;
}

const S = (ptr: number, size: number): WasmStorage => ({ ptr, size });

/** x W + b for every step into the gates output (one GEMM), then all T steps in one call (rnn_train_forward_f32). */
export function recurrentTrainWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, RecurrentTrainNorm>): void {
  const { batch: B, steps: T, features: F, units: U, G } = a;
  const GU = G * U;
  const GUp = paddedGates(GU);
  const cell = trainCellCode(a);
  const [x, W, R, bias] = inputs as [WasmStorage, WasmStorage, WasmStorage, WasmStorage | undefined];
  const [hseq, hlast, gates, aux] = outputs as [WasmStorage, WasmStorage, WasmStorage, WasmStorage];
  gemmWasm(be, x, [B * T, F], W, [F, GU], gates, {}, bias ? S(bias.ptr, GU) : undefined);
  if (cell === 0) be.f32(aux.ptr, 1)[0] = 0; // the [1] placeholder
  be.withScratch([U * GUp, B * GUp], (rp, rec) => {
    be.call('rnn_train_pack_r_f32', R.ptr, U, GU, GUp, rp);
    const rbias = cell === 2 && bias ? bias.ptr + GU * 4 : 0;
    be.call('rnn_train_forward_f32', cell, gates.ptr, hseq.ptr, hlast.ptr, cell === 0 ? 0 : aux.ptr, rp, GUp, rbias, rec, B, T, U, a.act, a.ract, a.goBackwards ? 1 : 0);
  });
}
