import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import { NEAREST_CODE, type ResizeNorm } from './spec.js';

const WG = 64;

/** One invocation per output pixel; the vec4 entry point when channels are a multiple of 4. */
export function resizeWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, ResizeNorm>): void {
  const { n, inH, inW, outH, outW, c, x, y } = attrs;
  const pixels = n * outH * outW;
  const groups = grid(Math.ceil(pixels / WG));
  const f = Math.fround;
  be.dispatch({
    shader: 'resize',
    entryPoint: c % 4 === 0 ? 'main_vec4' : 'main',
    constants: {
      MODE: attrs.mode === 'nearest' ? 1 : 0,
      NEAREST: attrs.mode === 'nearest' ? NEAREST_CODE[attrs.nearestMode] : 0, // one bilinear pipeline per shape
      IN_H: inH,
      IN_W: inW,
      OUT_H: outH,
      OUT_W: outW,
      C: c,
      AY: f(y.a),
      BY: f(y.b),
      DY: f(y.d),
      AX: f(x.a),
      BX: f(x.b),
      DX: f(x.d),
      WG,
    },
    bindings: [inputs[0]!, outputs[0]!],
    uniforms: new Uint32Array([pixels, groups[0] * WG, 0, 0]),
    workgroups: groups,
  });
}
