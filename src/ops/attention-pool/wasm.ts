import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { AttentionPoolNorm } from './spec.js';

/** assembly/attention_pool.ts */
export function attentionPoolWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, AttentionPoolNorm>): void {
  const [s, v, m] = inputs;
  const [o, w, n] = outputs;
  be.call('attention_pool_f32_simd', s!.ptr, v!.ptr, m?.ptr ?? 0, a.batch, a.steps, a.dim, a.normalize ? 1 : 0, a.epsilon, o!.ptr, w!.ptr, n!.ptr);
}

export function attentionPoolGradWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, AttentionPoolNorm>): void {
  const [w, v, o, n, d] = inputs;
  const [ds, dv] = outputs;
  be.withScratch([a.dim], (dp) => {
    be.call('attention_pool_grad_f32_simd', w!.ptr, v!.ptr, o!.ptr, n!.ptr, d!.ptr, a.batch, a.steps, a.dim, a.normalize ? 1 : 0, a.epsilon, ds!.ptr, dv!.ptr, dp!);
  });
}
