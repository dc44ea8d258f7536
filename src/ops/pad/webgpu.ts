import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import { PAD_MODE_CODE, type PadNorm } from './spec.js';

const WG = 64;
const PX = 4;

export function padWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, PadNorm>): void {
  const { mode } = attrs;
  const rank = attrs.dims.length;
  const last = rank - 1;
  const dims = [...attrs.dims];
  const before = [...attrs.dimsBefore];
  const outDims = [...attrs.dimsOut];
  // vec4 elements when the innermost dim and its pads split into whole vec4s (for reflect / edge it is unpadded:
  // mirroring vec4 groups would reorder elements).
  const after = outDims[last]! - dims[last]! - before[last]!;
  const vec4 = dims[last]! % 4 === 0 && before[last]! % 4 === 0 && after % 4 === 0 && (mode === 'constant' || before[last]! + after === 0);
  if (vec4) {
    dims[last] /= 4;
    before[last] /= 4;
    outDims[last] /= 4;
  }
  const inStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1]! * dims[d + 1]!;
  const innerBlocks = Math.ceil(outDims[last]! / PX);
  const total = (outputs[0]!.size / (vec4 ? 4 : 1) / outDims[last]!) * innerBlocks;
  const wg = grid(Math.ceil(total / WG));
  const buf = new ArrayBuffer(144);
  const u = new Uint32Array(buf);
  for (let d = 0; d < rank; d++) {
    u[d] = outDims[d]!;
    u[8 + d] = dims[d]!;
    u[16 + d] = before[d]!;
    u[24 + d] = inStrides[d]!;
  }
  u.set([total, wg[0] * WG, innerBlocks], 32);
  new Float32Array(buf, 35 * 4, 1)[0] = attrs.value;
  be.dispatch({
    shader: 'pad',
    entryPoint: vec4 ? 'main4' : 'main',
    constants: { RANK: rank, MODE: PAD_MODE_CODE[mode], PX, WG },
    bindings: [inputs[0]!, outputs[0]!],
    uniforms: buf,
    workgroups: wg,
  });
}
