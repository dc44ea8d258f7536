// The strided row copy that concat and sliceChannels share (shaders/copy_rows.wgsl, assembly/copy_rows.ts): row r
// copies `inner` f32 from src[r * srcStride + srcOffset] to dst[r * dstStride + dstOffset].
import { grid, type GpuStorage, type WebGpuBackend } from '../runtime/backends/webgpu.js';
import type { WasmBackend, WasmStorage } from '../runtime/backends/wasm.js';

export interface RowCopy {
  rows: number;
  inner: number;
  srcStride: number;
  srcOffset: number;
  dstStride: number;
  dstOffset: number;
}

const WG = 64;
/** Elements (or vec4s) per invocation. */
const PX = 4;

/** One dispatch; vec4 copies when every size and offset is a multiple of 4. */
export function copyRowsWebGpu(be: WebGpuBackend, src: GpuStorage, dst: GpuStorage, c: RowCopy): void {
  const q = [c.inner, c.srcStride, c.srcOffset, c.dstStride, c.dstOffset].every((v) => v % 4 === 0) ? 4 : 1;
  const blocks = Math.ceil(c.inner / q / PX);
  const total = c.rows * blocks;
  const groups = grid(Math.ceil(total / WG));
  be.dispatch({
    shader: 'copy_rows',
    entryPoint: q === 4 ? 'main4' : 'main',
    constants: { WG, PX },
    bindings: [src, dst],
    uniforms: new Uint32Array([c.inner / q, c.srcStride / q, c.srcOffset / q, c.dstStride / q, c.dstOffset / q, blocks, total, groups[0] * WG]),
    workgroups: groups,
  });
}

export function copyRowsWasm(be: WasmBackend, src: WasmStorage, dst: WasmStorage, c: RowCopy): void {
  be.call('copy_f32_rows_simd', src.ptr + c.srcOffset * 4, dst.ptr + c.dstOffset * 4, c.rows, c.inner, c.srcStride, c.dstStride);
}
