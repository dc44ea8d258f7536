import type { GpuStorage, WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { SoftmaxCrossEntropyNorm } from './spec.js';

const WG = 64;

/** One workgroup: rows strided over its invocations, the loss and accuracy sums reduced in workgroup memory. */
export function softmaxCrossEntropyWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, SoftmaxCrossEntropyNorm>): void {
  const [p, y, acc] = inputs as [GpuStorage, GpuStorage, GpuStorage | undefined];
  const u = new ArrayBuffer(16);
  new Uint32Array(u, 0, 2).set([a.rows, a.classes]);
  new Float32Array(u, 8, 2).set([a.scale, a.epsilon]);
  // Without an accumulator a scratch buffer takes its binding (never written: ACC is false).
  const accBuf = acc ?? be.alloc(2);
  be.dispatch({
    shader: 'loss_grad',
    entryPoint: 'softmax_ce',
    constants: { WG, ACC: a.accumulate },
    bindings: [p, y, outputs[0]!, outputs[1]!, accBuf],
    uniforms: u,
    workgroups: [1],
  });
  if (!acc) be.release(accBuf);
}
