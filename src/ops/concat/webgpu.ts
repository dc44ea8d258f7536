import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { ConcatNorm } from './spec.js';

const WG = 64;
const PX = 4;
/** At most this many blocks per input go as buffer copies (no shader); more take one dispatch per input. */
const MAX_COPIES = 4;

export function concatWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, ConcatNorm>): void {
  const { outer, inners, offsets, innerOut } = attrs;
  const out = outputs[0]!;
  inputs.forEach((x, i) => {
    const inner = inners[i]!;
    const offset = offsets[i]!;
    if (inner === 0) return;
    if (inner === innerOut) {
      // The only non-empty input: one contiguous copy.
      be.copy(x!, 0, out, 0, inner * outer);
      return;
    }
    if (outer <= MAX_COPIES) {
      // Few contiguous blocks (axis 0, or leading dims of 1): plain buffer-to-buffer copies.
      for (let o = 0; o < outer; o++) be.copy(x!, o * inner, out, o * innerOut + offset, inner);
      return;
    }
    const vec4 = inner % 4 === 0 && innerOut % 4 === 0 && offset % 4 === 0;
    const q = vec4 ? 4 : 1;
    const blocks = Math.ceil(inner / q / PX);
    const total = outer * blocks;
    const wg = grid(Math.ceil(total / WG));
    be.dispatch({
      shader: 'concat',
      entryPoint: vec4 ? 'main4' : 'main',
      constants: { PX, WG },
      bindings: [x!, out],
      uniforms: new Uint32Array([inner / q, innerOut / q, offset / q, blocks, total, wg[0] * WG, 0, 0]),
      workgroups: wg,
    });
  });
}
