import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import { gemmWebGpu } from '../dense-grad/webgpu.js';
import type { RecurrentTrainNorm } from './train-spec.js';
import { trainCellCode } from './train-wasm.js';

const WG = 64;

/** One GEMM (x W + b into the gates output), then T step dispatches (two per step for GRU reset_after=false). */
export function recurrentTrainWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, RecurrentTrainNorm>): void {
  const { batch: B, steps: T, features: F, units: U, G } = a;
  const GU = G * U;
  const cell = trainCellCode(a);
  const [x, W, R, bias] = inputs as [GpuStorage, GpuStorage, GpuStorage, GpuStorage | undefined];
  const [hseq, hlast, gates, aux] = outputs as [GpuStorage, GpuStorage, GpuStorage, GpuStorage];
  let biasIn = bias;
  const temps: GpuStorage[] = [];
  if (bias && cell === 2) {
    biasIn = be.alloc(GU);
    temps.push(biasIn);
    be.copy(bias, 0, biasIn, 0, GU);
  }
  gemmWebGpu(be, x, [B * T, F], W, [F, GU], gates, {}, biasIn);
  if (cell === 0) be.device.queue.writeBuffer(aux.buffer, 0, new Float32Array(1)); // the [1] placeholder
  const groups = grid(Math.ceil((B * U) / WG));
  const constants = { CELL: cell, ACT: a.act, RACT: a.ract, WG, RBIAS: cell === 2 && !!bias };
  const bindings = [gates, hseq, aux, hlast, R, cell === 2 && bias ? bias : R];
  for (let s = 0; s < T; s++) {
    const uniforms = new Uint32Array([B, U, T, s, GU, a.goBackwards ? 1 : 0, groups[0] * WG, 0]);
    be.dispatch({ shader: 'rnn_grad_forward', entryPoint: 'step', constants, bindings, uniforms, workgroups: groups });
    if (cell === 3) be.dispatch({ shader: 'rnn_grad_forward', entryPoint: 'step_q', constants, bindings, uniforms, workgroups: groups });
  }
  for (const t of temps) be.release(t);
}
