import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { WarpAffineNorm } from './spec.js';

const WG = 64;

/**
 * One invocation per output pixel; the vec4 entry point when channels are a multiple of 4. Channel count and
 * border specialise the pipeline; sizes go in uniforms (one pipeline for every image and chip size).
 */
export function warpAffineWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, WarpAffineNorm>): void {
  const { n, inH, inW, c, k, outH, outW, border } = attrs;
  const pixels = k * outH * outW;
  const groups = grid(Math.ceil(pixels / WG));
  const u = new Uint32Array([pixels, groups[0] * WG, inH, inW, outH, outW, n === 1 ? 0 : inH * inW, 0]);
  be.dispatch({
    shader: 'warp_affine',
    entryPoint: c % 4 === 0 ? 'main_vec4' : 'main',
    constants: { C: c, WG, REPLICATE: border === 'replicate' },
    bindings: [inputs[0]!, inputs[1]!, outputs[0]!],
    uniforms: u,
    workgroups: groups,
  });
}
