import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { NormalizeImageNorm } from './spec.js';

export function normalizeImageWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, NormalizeImageNorm>): void {
  const { k, b } = attrs;
  be.call(
    'normalize_image_u8_f32_simd',
    inputs[0]!.ptr,
    outputs[0]!.ptr,
    attrs.pixels,
    attrs.channels,
    attrs.bgr ? 1 : 0,
    k[0]!, k[1]!, k[2]!, k[3] ?? 0,
    b[0]!, b[1]!, b[2]!, b[3] ?? 0,
  );
}
