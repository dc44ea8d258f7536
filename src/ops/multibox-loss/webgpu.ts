import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import { colsumWebGpu } from '../dense-grad/webgpu.js';
import type { MultiboxLossNorm } from './spec.js';

const WG = 64;
const SPT = 4;

/** shaders/multibox_loss.wgsl (gradient + per-invocation partial sums), then a column sum of the partials. */
export function multiboxLossWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, MultiboxLossNorm>): void {
  const [pred, targets] = inputs as [GpuStorage, GpuStorage];
  const [sums, dPred] = outputs as [GpuStorage, GpuStorage];
  const total = Math.ceil(a.slots / SPT);
  if (total === 0) {
    be.device.queue.writeBuffer(sums.buffer, 0, new Float32Array(4));
    return;
  }
  const partial = be.alloc(total * 4);
  const groups = grid(Math.ceil(total / WG));
  const u = new ArrayBuffer(48);
  new Uint32Array(u).set([a.slots, a.k, total, groups[0] * WG]);
  new Float32Array(u, 16, 5).set([a.lambdaObj, a.lambdaNoObj, a.lambdaBox, a.lambdaCls, a.scale]);
  be.dispatch({ shader: 'multibox_loss', constants: { WG, SPT }, bindings: [pred, targets, dPred, partial], uniforms: u, workgroups: groups });
  colsumWebGpu(be, partial, total, 4, sums);
  be.release(partial);
}
