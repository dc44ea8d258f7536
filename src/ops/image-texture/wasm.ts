import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { imageTextureCompute } from './reference.js';
import type { ImageTextureNorm } from './spec.js';

/**
 * Only reached when a webgpu engine falls back to wasm after a device loss and recomputes this op: the usual
 * wasm route never makes a texture (preprocessImage reads the pixels and runs normalizeImage / pad / resize).
 */
export function imageTextureWasm(be: WasmBackend, { outputs, attrs }: KernelArgs<WasmStorage, ImageTextureNorm>): void {
  const o = outputs[0]!;
  const tmp = new Float32Array(o.size);
  imageTextureCompute(attrs, tmp);
  be.f32(o.ptr, o.size).set(tmp); // a fresh view: reading pixels may not grow memory, but be safe
}
