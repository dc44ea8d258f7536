import type { GpuStorage, WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { SliceChannelsNorm } from './spec.js';
import { copyRowsWebGpu } from '../copy-rows.js';

/** The shared strided row copy (shaders/copy_rows.wgsl); few rows, or the whole row: buffer copies. */
export function sliceChannelsWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, SliceChannelsNorm>): void {
  const x = inputs[0]!;
  const y = outputs[0]!;
  if (a.size === a.channels || a.rows <= 4) {
    if (a.size === a.channels) be.copy(x, 0, y, 0, a.rows * a.size);
    else for (let r = 0; r < a.rows; r++) be.copy(x, r * a.channels + a.start, y, r * a.size, a.size);
    return;
  }
  copyRowsWebGpu(be, x, y, { rows: a.rows, inner: a.size, srcStride: a.channels, srcOffset: a.start, dstStride: a.size, dstOffset: 0 });
}
