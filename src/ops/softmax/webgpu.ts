import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { AxisRows } from '../softmax/spec.js';

const WG = 64;

/**
 * Row reductions (softmax, l2Normalize): one invocation per row when rows are many or short, one workgroup per
 * row when a few long rows would leave the device idle. `extra` is the op's f32 parameter (epsilon).
 */
export function dispatchRows(be: WebGpuBackend, shader: string, x: GpuStorage, out: GpuStorage, attrs: AxisRows, extra = 0): void {
  const rows = attrs.outer * attrs.inner;
  const perGroup = rows < 256 && attrs.len >= 256;
  const groups = grid(perGroup ? rows : Math.ceil(rows / WG));
  const u = new ArrayBuffer(32);
  new Uint32Array(u, 0, 5).set([rows, attrs.len, attrs.inner, perGroup ? groups[0] : groups[0] * WG]);
  new Float32Array(u, 16, 1)[0] = extra;
  be.dispatch({ shader, entryPoint: perGroup ? 'perGroup' : 'perRow', constants: { WG }, bindings: [x, out], uniforms: u, workgroups: groups });
}

export function softmaxWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, AxisRows>): void {
  dispatchRows(be, 'softmax', inputs[0]!, outputs[0]!, attrs);
}
