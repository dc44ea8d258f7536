import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { backpropFilterWasm, backpropInputWasm } from '../conv2d-grad/wasm.js';
import type { ConvGeom } from '../conv2d-grad/spec.js';
import type { ConvTranspose2dNorm } from './spec.js';

/** GEMM x @ W^T then col2im with the bias + activation fused into the gather. */
export function convTranspose2dWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, ConvTranspose2dNorm>): void {
  backpropInputWasm(be, inputs[0]!, inputs[1]!, outputs[0]!, a, inputs[2], a);
}

export function convTranspose2dBackpropFilterWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, ConvGeom>): void {
  backpropFilterWasm(be, inputs[1]!, inputs[0]!, outputs[0]!, attrs);
}
