import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { CropAndResizeNorm } from './spec.js';

const WG = 64;

/**
 * One invocation per output pixel; the vec4 entry point when channels are a multiple of 4. Sizes go in uniforms:
 * one pipeline per channel count.
 */
export function cropAndResizeWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, CropAndResizeNorm>): void {
  const { inH, inW, c, boxes, outH, outW, fill } = attrs;
  const pixels = boxes * outH * outW;
  const groups = grid(Math.ceil(pixels / WG));
  const u = new ArrayBuffer(32);
  new Uint32Array(u, 0, 6).set([pixels, groups[0] * WG, inH, inW, outH, outW]);
  new Float32Array(u, 24, 1)[0] = fill;
  be.dispatch({
    shader: 'crop_resize',
    entryPoint: c % 4 === 0 ? 'main_vec4' : 'main',
    constants: { C: c, WG },
    bindings: [inputs[0]!, inputs[1]!, outputs[0]!],
    uniforms: u,
    workgroups: groups,
  });
}
