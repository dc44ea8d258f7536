import type { GpuStorage, WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import { backpropFilterWebGpu, backpropInputWebGpu } from '../conv2d-grad/webgpu.js';
import type { ConvGeom } from '../conv2d-grad/spec.js';
import type { ConvTranspose2dNorm } from './spec.js';

/** GEMM x @ W^T then col2im with the bias + activation fused into the gather. */
export function convTranspose2dWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, ConvTranspose2dNorm>): void {
  backpropInputWebGpu(be, inputs[0]!, inputs[1]!, outputs[0]!, a, inputs[2], a);
}

export function convTranspose2dBackpropFilterWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, ConvGeom>): void {
  backpropFilterWebGpu(be, inputs[1]!, inputs[0]!, outputs[0]!, attrs);
}
