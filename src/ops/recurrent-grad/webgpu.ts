import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import { colsumWebGpu, gemmWebGpu } from '../dense-grad/webgpu.js';
import type { RecurrentGradNorm } from './spec.js';
import { gradCellCode } from './wasm.js';

const WG = 64;
const UTIL_WG = 256;

/**
 * The same plan as the wasm launcher, recorded into one command encoder: two GEMMs (matmul op), the recompute
 * dispatch, T backward-step dispatches (two per step for GRU reset_after=false), then the gradient GEMMs and
 * column sums (shaders/rnn_grad.wgsl, rnn_grad_util.wgsl, dense_grad.wgsl). No host round-trip.
 */
export function recurrentGradWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, RecurrentGradNorm>): void {
  const { batch: B, steps: T, features: F, units: U, G } = a;
  const GU = G * U;
  const rows = B * T;
  const cell = gradCellCode(a);
  const noRA = cell === 3;
  const [x, W, R, bias, hseq, dy, gates, aux] = inputs as [GpuStorage, GpuStorage, GpuStorage, GpuStorage | undefined, GpuStorage, GpuStorage, GpuStorage | undefined, GpuStorage | undefined];
  const saved = !!gates;
  const [dW, dR, dB, dx] = outputs as [GpuStorage, GpuStorage, GpuStorage, GpuStorage];
  const rev = a.goBackwards ? 1 : 0;
  const temps: GpuStorage[] = [];
  const tmp = (n: number) => {
    const s = be.alloc(Math.max(1, n));
    temps.push(s);
    return s;
  };
  const xz = tmp(rows * GU);
  const hr = tmp(rows * GU);
  const hp = tmp(rows * U);
  // Saved forward state: LSTM's c and GRU reset_after=false's r * h_{s-1} are bound in place.
  const cs = saved && a.cell === 'lstm' ? aux! : tmp(a.cell === 'lstm' ? rows * U : 1);
  const rhp = saved && noRA ? aux! : tmp(noRA ? rows * U : 1);
  const st = tmp(2 * B * U);

  const util = (entryPoint: string, src: GpuStorage, src2: GpuStorage, dst: GpuStorage, n: number) => {
    const groups = grid(Math.ceil(n / UTIL_WG));
    be.dispatch({
      shader: 'rnn_grad_util',
      entryPoint,
      constants: { WG: UTIL_WG },
      bindings: [src, src2, dst],
      uniforms: new Uint32Array([n, groups[0] * UTIL_WG, B, T, U, rev, 0, 0]),
      workgroups: groups,
    });
  };

  util('shift', hseq, hseq, hp, rows * U);
  util('zero', hseq, hseq, st, 2 * B * U);
  if (!saved) {
    let biasIn: GpuStorage | undefined;
    let recBias: GpuStorage | undefined;
    if (bias && cell === 2) {
      // [2, 3U]: each row is its own GEMM's bias vector.
      biasIn = tmp(GU);
      recBias = tmp(GU);
      be.copy(bias, 0, biasIn, 0, GU);
      be.copy(bias, GU, recBias, 0, GU);
    } else {
      biasIn = bias;
    }
    gemmWebGpu(be, x, [rows, F], W, [F, GU], xz, {}, biasIn);
    gemmWebGpu(be, hp, [rows, U], R, [U, GU], hr, {}, recBias);
  } else {
    be.copy(gates!, 0, xz, 0, rows * GU);
    // GRU reset_after: the backward reads h R_h + recurrent bias from hr's h columns.
    if (cell === 2) util('scatter_h', aux!, aux!, hr, rows * U);
  }

  const groups = grid(Math.ceil((B * U) / WG));
  const bindings = [xz, hr, hp, cs, dy, R, st, rhp];
  const params = (s: number) => new Uint32Array([B, U, T, s, GU, noRA ? 2 * U : GU, a.returnSequences ? 1 : 0, rev, groups[0] * WG, 0, 0, 0]);
  const run = (entryPoint: string, c: number, s: number) =>
    be.dispatch({ shader: 'rnn_grad', entryPoint, constants: { CELL: c, ACT: a.act, RACT: a.ract, WG }, bindings, uniforms: params(s), workgroups: groups });
  if (saved) {
    // nothing to recompute
  } else if (noRA) {
    run('recompute', 3, 0);
    gemmWebGpu(be, rhp, [rows, U], R, [U, GU], hr);
    run('recompute', 4, 0);
  } else {
    run('recompute', cell, 0);
  }
  for (let s = T - 1; s >= 0; s--) {
    run('backward', cell, s);
    if (noRA) run('backward_q', cell, s);
  }

  const DH = cell === 2 || cell === 3 ? hr : xz;
  gemmWebGpu(be, x, [rows, F], xz, [rows, GU], dW, { transposeA: true });
  if (noRA) {
    const m1 = tmp(U * GU);
    const m2 = tmp(U * GU);
    gemmWebGpu(be, hp, [rows, U], DH, [rows, GU], m1, { transposeA: true });
    gemmWebGpu(be, rhp, [rows, U], xz, [rows, GU], m2, { transposeA: true });
    util('merge_rh', m1, m2, dR, U * GU);
  } else {
    gemmWebGpu(be, hp, [rows, U], DH, [rows, GU], dR, { transposeA: true });
  }
  if (cell === 2) {
    const db2 = tmp(GU);
    colsumWebGpu(be, xz, rows, GU, dB);
    colsumWebGpu(be, hr, rows, GU, db2);
    be.copy(db2, 0, dB, GU, GU);
  } else {
    colsumWebGpu(be, xz, rows, GU, dB);
  }
  if (a.inputGrad) gemmWebGpu(be, xz, [rows, GU], W, [F, GU], dx, { transposeB: true });
  else util('zero', hseq, hseq, dx, 1); // the [1] placeholder
  for (const t of temps) be.release(t);
}
