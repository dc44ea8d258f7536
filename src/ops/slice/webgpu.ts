import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { SliceChannelsNorm } from './spec.js';

const WG = 64;
const PX = 4;

/** shaders/slice.wgsl: PX elements (vec4s when start, size and channels allow) per invocation; few rows: buffer copies. */
export function sliceChannelsWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, SliceChannelsNorm>): void {
  const x = inputs[0]!;
  const y = outputs[0]!;
  if (a.size === a.channels || a.rows <= 4) {
    if (a.size === a.channels) be.copy(x, 0, y, 0, a.rows * a.size);
    else for (let r = 0; r < a.rows; r++) be.copy(x, r * a.channels + a.start, y, r * a.size, a.size);
    return;
  }
  const q = a.size % 4 === 0 && a.channels % 4 === 0 && a.start % 4 === 0 ? 4 : 1;
  const blocks = Math.ceil(a.size / q / PX);
  const total = a.rows * blocks;
  const groups = grid(Math.ceil(total / WG));
  be.dispatch({
    shader: 'slice',
    entryPoint: q === 4 ? 'main4' : 'main',
    constants: { WG, PX },
    bindings: [x, y],
    uniforms: new Uint32Array([a.size / q, a.channels / q, a.start / q, blocks, total, groups[0] * WG, 0, 0]),
    workgroups: groups,
  });
}
