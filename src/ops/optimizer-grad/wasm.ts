import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { AdamNorm, SgdNorm } from './spec.js';

/** assembly/optimizer_grad.ts, in place. */
export function adamWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, AdamNorm>): void {
  const [p, g, m, v, ns] = inputs;
  be.call('adam_update_f32', p!.ptr, g!.ptr, m!.ptr, v!.ptr, a.n, a.lrT, a.beta1, a.beta2, a.epsilon, ns?.ptr ?? 0, a.clipNorm);
  // Written in place: copies derived from them (packed filters) are stale now.
  for (const s of [p, m, v]) be.invalidate(s!);
  be.f32(outputs[0]!.ptr, 1)[0] = 0;
}

export function sgdWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, SgdNorm>): void {
  const [p, g, vel, ns] = inputs;
  be.call('sgd_update_f32', p!.ptr, g!.ptr, a.hasVelocity ? vel!.ptr : 0, a.n, a.lr, a.momentum, a.nesterov ? 1 : 0, ns?.ptr ?? 0, a.clipNorm);
  be.invalidate(p!);
  if (a.hasVelocity) be.invalidate(vel!);
  be.f32(outputs[0]!.ptr, 1)[0] = 0;
}

export function sumSquaresWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, { n: number }>): void {
  const out = outputs[0]!.ptr;
  be.f32(out, 1)[0] = 0;
  be.call('sum_squares_f32', inputs[0]!.ptr, a.n, out);
  const acc = inputs[1];
  if (acc) {
    const v = be.f32(out, 1)[0]!;
    const av = be.f32(acc.ptr, 1);
    av[0] = av[0]! + v;
  }
}
