import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { MultiboxLossNorm } from './spec.js';

/** One pass over the slots (assembly/multibox_loss.ts), loss sums kept in f64. */
export function multiboxLossWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, MultiboxLossNorm>): void {
  const [pred, targets] = inputs as [WasmStorage, WasmStorage];
  const [sums, dPred] = outputs as [WasmStorage, WasmStorage];
  be.call('multibox_loss_f32_simd', pred.ptr, targets.ptr, sums.ptr, dPred.ptr, a.slots, a.k, a.lambdaObj, a.lambdaNoObj, a.lambdaBox, a.lambdaCls, a.scale);
}
