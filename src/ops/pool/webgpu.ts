import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { PoolNorm } from './spec.js';

const WG = 64;
/** Outputs along x per invocation: amortises the index decode and shares the row tap range. */
const OXB = 2;

export function poolWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, PoolNorm>): void {
  const vec4 = a.c % 4 === 0;
  const groups = vec4 ? a.c / 4 : a.c;
  const owb = Math.ceil(a.ow / OXB);
  const total = a.n * a.oh * owb * groups;
  const wg = grid(Math.ceil(total / WG));
  const u = new Int32Array(12);
  u.set([a.h, a.w, a.oh, a.ow, a.padTop, a.padLeft, a.padH, a.padW, total, wg[0] * WG, owb, 0]);
  be.dispatch({
    shader: 'pool',
    entryPoint: vec4 ? 'main4' : 'main',
    constants: {
      KH: a.kh,
      KW: a.kw,
      SH: a.sh,
      SW: a.sw,
      DH: a.dh,
      DW: a.dw,
      C: groups,
      IS_MAX: a.kind === 'max',
      COUNT_PAD: a.countIncludePad,
      OXB,
      WG,
    },
    bindings: [inputs[0]!, outputs[0]!],
    uniforms: u,
    workgroups: wg,
  });
}
