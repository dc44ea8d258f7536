import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { AdamNorm, SgdNorm } from './spec.js';

const WG = 256;

function params(n: number, groups: [number, number], f: number[]): ArrayBuffer {
  const u = new ArrayBuffer(32);
  new Uint32Array(u, 0, 2).set([n, groups[0] * WG]);
  new Float32Array(u, 8, 6).set(f);
  return u;
}

/** One invocation per element (shaders/optimizer_grad.wgsl), param / m / v updated in place. */
export function adamWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, AdamNorm>): void {
  const [p, g, m, v, ns] = inputs as GpuStorage[];
  const groups = grid(Math.ceil(a.n / WG));
  be.dispatch({
    shader: 'optimizer_grad',
    entryPoint: 'adam',
    constants: { WG, CLIP: a.hasNorm && a.clipNorm > 0 },
    bindings: [p!, g!, m!, v!, ns ?? g!, outputs[0]!],
    uniforms: params(a.n, groups, [a.lrT, a.beta1, a.beta2, a.epsilon, a.clipNorm, 0]),
    workgroups: groups,
  });
}

export function sgdWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, SgdNorm>): void {
  const [p, g, vel, ns] = inputs as (GpuStorage | undefined)[];
  const groups = grid(Math.ceil(a.n / WG));
  // Without momentum a scratch buffer takes the velocity's binding (never read or written then).
  const velBuf = a.hasVelocity ? vel! : be.alloc(1);
  be.dispatch({
    shader: 'optimizer_grad',
    entryPoint: 'sgd',
    constants: { WG, CLIP: a.hasNorm && a.clipNorm > 0, MOMENTUM: a.hasVelocity, NESTEROV: a.nesterov },
    bindings: [p!, g!, velBuf, ns ?? g!, outputs[0]!],
    uniforms: params(a.n, groups, [a.lr, a.momentum, 0, 0, a.clipNorm, 0]),
    workgroups: groups,
  });
  if (!a.hasVelocity) be.release(velBuf);
}

/** One workgroup reduces all of x; invocation 0 writes the sum and adds it to acc. */
export function sumSquaresWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, { n: number; accumulate: boolean }>): void {
  const [x, acc] = inputs as (GpuStorage | undefined)[];
  const accBuf = acc ?? be.alloc(1);
  be.dispatch({
    shader: 'optimizer_grad',
    entryPoint: 'sum_squares',
    constants: { WG, ACC: a.accumulate },
    bindings: [x!, outputs[0]!, accBuf],
    uniforms: params(a.n, [1, 1], [0, 0, 0, 0, 0, 0]),
    workgroups: [1],
  });
  if (!acc) be.release(accBuf);
}
