import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import { UnsupportedError } from '../../runtime/errors.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { BinaryNorm } from './spec.js';

const WG = 256;

export function binaryWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, BinaryNorm>): void {
  const { outShape, aStrides, bStrides } = attrs;
  if (outShape.length > 8) throw new UnsupportedError(`${attrs.kind}: rank ${outShape.length} > 8 on webgpu`);
  const size = outputs[0]!.size;
  const groups = grid(Math.ceil(size / WG));
  const u = new Uint32Array(4 + 24);
  u[0] = size;
  u[1] = groups[0] * WG;
  outShape.forEach((d, i) => {
    u[4 + i] = d;
    u[12 + i] = aStrides[i]!;
    u[20 + i] = bStrides[i]!;
  });
  be.dispatch({
    shader: 'binary',
    constants: { OP: attrs.kind === 'add' ? 0 : 1, RANK: Math.max(1, outShape.length), WG },
    bindings: [inputs[0]!, inputs[1]!, outputs[0]!],
    uniforms: u,
    workgroups: groups,
  });
}
