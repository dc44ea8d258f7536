import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { SoftmaxCrossEntropyNorm } from './spec.js';

/** One pass over the rows (assembly/loss_grad.ts). */
export function softmaxCrossEntropyWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, SoftmaxCrossEntropyNorm>): void {
  const [p, y, acc] = inputs;
  be.call('softmax_ce_f32', p!.ptr, y!.ptr, a.rows, a.classes, a.scale, a.epsilon, outputs[0]!.ptr, outputs[1]!.ptr, acc?.ptr ?? 0);
}
