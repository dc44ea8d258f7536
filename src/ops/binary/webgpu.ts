import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import { UnsupportedError } from '../../runtime/errors.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { BinaryNorm } from './spec.js';

const WG = 256;

/** Which fast path the broadcast pattern allows (see shaders/binary.wgsl). */
function pattern(attrs: BinaryNorm, size: number): { entry: 'flat4' | 'channel4' | 'main'; bScalar: boolean } {
  const { outShape, aStrides, bStrides } = attrs;
  const rank = outShape.length;
  const contiguous = (s: number[]) => {
    let want = 1;
    for (let d = rank - 1; d >= 0; d--) {
      if (outShape[d]! > 1 && s[d] !== want) return false;
      want *= outShape[d]!;
    }
    return true;
  };
  if (size % 4 !== 0 || !contiguous(aStrides)) return { entry: 'main', bScalar: false };
  if (contiguous(bStrides)) return { entry: 'flat4', bScalar: false };
  if (bStrides.every((s) => s === 0)) return { entry: 'flat4', bScalar: true };
  const c = outShape[rank - 1]!;
  if (c % 4 === 0 && bStrides[rank - 1] === 1 && bStrides.slice(0, -1).every((s, d) => s === 0 || outShape[d] === 1)) {
    return { entry: 'channel4', bScalar: false };
  }
  return { entry: 'main', bScalar: false };
}

export function binaryWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, BinaryNorm>): void {
  const { outShape, aStrides, bStrides } = attrs;
  if (outShape.length > 8) throw new UnsupportedError(`${attrs.kind}: rank ${outShape.length} > 8 on webgpu`);
  const size = outputs[0]!.size;
  // An input of the output's size can't be a broadcast: the a-side must be the big one for the fast paths.
  const { entry, bScalar } = pattern(attrs, size);
  const invocations = entry === 'main' ? size : size / 4;
  const groups = grid(Math.ceil(invocations / WG));
  const u = new Uint32Array(4 + 24);
  u[0] = invocations;
  u[1] = groups[0] * WG;
  u[2] = entry === 'channel4' ? outShape[outShape.length - 1]! / 4 : 0;
  outShape.forEach((d, i) => {
    u[4 + i] = d;
    u[12 + i] = aStrides[i]!;
    u[20 + i] = bStrides[i]!;
  });
  be.dispatch({
    shader: 'binary',
    entryPoint: entry,
    constants:
      entry === 'main'
        ? { OP: attrs.kind === 'add' ? 0 : 1, RANK: Math.max(1, outShape.length), WG }
        : { OP: attrs.kind === 'add' ? 0 : 1, WG, ...(entry === 'flat4' ? { B_SCALAR: bScalar } : {}) },
    bindings: [inputs[0]!, inputs[1]!, outputs[0]!],
    uniforms: u,
    workgroups: groups,
  });
}
