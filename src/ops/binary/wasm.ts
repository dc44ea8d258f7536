import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { writeI32 } from '../wasm-util.js';
import type { BinaryNorm } from './spec.js';

export function binaryWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, BinaryNorm>): void {
  const shape = attrs.outShape.length ? attrs.outShape : [1];
  const aS = attrs.aStrides.length ? attrs.aStrides : [0];
  const bS = attrs.bStrides.length ? attrs.bStrides : [0];
  be.withScratch([shape.length, shape.length, shape.length], (dims, sa, sb) => {
    writeI32(be, dims, shape);
    writeI32(be, sa, aS);
    writeI32(be, sb, bS);
    be.call('binary_f32_bcast_simd', attrs.kind === 'add' ? 0 : 1, inputs[0]!.ptr, inputs[1]!.ptr, outputs[0]!.ptr, shape.length, dims, sa, sb);
  });
}
