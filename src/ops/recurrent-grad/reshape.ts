// A copy of a tensor under another shape of the same size: what the layers need to move between [batch, 1, u]
// (a per-sample row picked by a batched matmul) and [batch, u]. Internal to src/nn (not in the op registry).
import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { GpuStorage, WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { Engine } from '../../runtime/engine.js';
import { fail } from '../../runtime/errors.js';
import { defineOp, type KernelArgs } from '../../runtime/op.js';
import { checkShape, shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';
import type { Tensor } from '../../runtime/tensor.js';

interface ReshapeAttrs {
  shape: readonly number[];
}

export const reshapeCopyOp = defineOp<ReshapeAttrs, { size: number }>({
  name: 'reshapeCopy',
  prepare: (inShapes: readonly (Shape | undefined)[], attrs: ReshapeAttrs) => {
    const x = inShapes[0];
    if (!x || inShapes.length !== 1) fail('reshapeCopy', 'takes 1 input (x)');
    const shape = checkShape('reshapeCopy', attrs?.shape);
    if (sizeOf(shape) !== sizeOf(x)) fail('reshapeCopy', `cannot reshape ${shapeStr(x)} (${sizeOf(x)} values) to ${shapeStr(shape)} (${sizeOf(shape)})`);
    return { attrs: { size: sizeOf(x) }, outShapes: [[...shape]] };
  },
  kernels: {
    reference: (_: unknown, { inputs, outputs }: KernelArgs<Float64Array, { size: number }>) => outputs[0]!.set(inputs[0]!),
    wasm: (be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, { size: number }>) => be.f32(outputs[0]!.ptr, attrs.size).set(be.f32(inputs[0]!.ptr, attrs.size)),
    webgpu: (be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, { size: number }>) => be.copy(inputs[0]!, 0, outputs[0]!, 0, attrs.size),
  },
});

/** x's values under `shape` (a new tensor; same element count). */
export function reshapeCopy(engine: Engine, x: Tensor, shape: readonly number[]): Tensor {
  return engine.run1(reshapeCopyOp, [x], { shape });
}
