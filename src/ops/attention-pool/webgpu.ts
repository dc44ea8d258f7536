import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { AttentionPoolNorm } from './spec.js';

const WG = 64;

function run(be: WebGpuBackend, entryPoint: string, a: AttentionPoolNorm, ins: (GpuStorage | undefined)[], outs: readonly GpuStorage[], masked: boolean): void {
  const groups = grid(Math.ceil(a.batch / WG));
  const u = new ArrayBuffer(32);
  new Uint32Array(u, 0, 4).set([a.batch, a.steps, a.dim, groups[0] * WG]);
  new Float32Array(u, 16, 1)[0] = a.epsilon;
  // Unused bindings take a 1-float scratch buffer (never read: the entry point does not touch them).
  const scratch: GpuStorage[] = [];
  const fill = (s: GpuStorage | undefined) => s ?? (scratch[scratch.push(be.alloc(1)) - 1] as GpuStorage);
  const bindings = [...ins.map(fill), ...outs, ...Array.from({ length: 3 - outs.length }, () => fill(undefined))];
  be.dispatch({
    shader: 'attention_pool',
    entryPoint,
    constants: { WG, MASKED: masked, NORMALIZE: a.normalize, VEC4: a.dim % 4 === 0 },
    bindings,
    uniforms: u,
    workgroups: groups,
  });
  for (const s of scratch) be.release(s);
}

export function attentionPoolWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, AttentionPoolNorm>): void {
  const [s, v, m] = inputs;
  run(be, 'pool', attrs, [s, v, m, undefined, undefined], outputs, !!m);
}

export function attentionPoolGradWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, AttentionPoolNorm>): void {
  const [w, v, o, n, d] = inputs;
  run(be, 'pool_grad', attrs, [w, v, o, n, d], outputs, false);
}
