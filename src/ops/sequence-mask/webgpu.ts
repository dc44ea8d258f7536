import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { SequenceMaskNorm } from './spec.js';

const WG = 64;

/** One invocation per row (time step): test its features, then write them (or zeros) and the mask. */
export function sequenceMaskWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, SequenceMaskNorm>): void {
  const groups = grid(Math.ceil(a.rows / WG));
  const u = new ArrayBuffer(16);
  new Uint32Array(u, 0, 3).set([a.rows, a.features, groups[0] * WG]);
  new Float32Array(u, 12, 1)[0] = a.maskValue;
  be.dispatch({ shader: 'sequence_mask', constants: { WG }, bindings: [inputs[0]!, outputs[0]!, outputs[1]!], uniforms: u, workgroups: groups });
}
