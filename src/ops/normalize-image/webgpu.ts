import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { NormalizeImageNorm } from './spec.js';

const WG = 64;

/** One invocation per pixel (one packed RGBA word). */
export function normalizeImageWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, NormalizeImageNorm>): void {
  const groups = grid(Math.ceil(attrs.pixels / WG));
  const u = new ArrayBuffer(48);
  const f = new Float32Array(u, 0, 8);
  // k and b are in output-channel order; the shader swizzles the pixel to that order first.
  f.set([...attrs.k, 0, 0, 0, 0].slice(0, 4), 0);
  f.set([...attrs.b, 0, 0, 0, 0].slice(0, 4), 4);
  new Uint32Array(u, 32, 2).set([attrs.pixels, groups[0] * WG]);
  be.dispatch({
    shader: 'normalize_image',
    entryPoint: attrs.channels === 4 ? 'main_rgba' : 'main',
    constants: { BGR: attrs.bgr, WG },
    bindings: [inputs[0]!, outputs[0]!],
    uniforms: u,
    workgroups: groups,
  });
}
