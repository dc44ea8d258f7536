import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { Engine } from '../../runtime/engine.js';
import { defineOp, type KernelArgs } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { activateRef, prepareActivation, type ActivationAttrs, type Epilogue } from './spec.js';

function channelsOf(shape: readonly number[]): number {
  return shape.length ? shape[shape.length - 1]! : 1;
}

function reference(_: unknown, { inputs, inShapes, outputs, attrs }: KernelArgs<Float64Array, Epilogue>): void {
  const x = inputs[0]!;
  const slope = inputs[1];
  const c = channelsOf(inShapes[0]!);
  const out = outputs[0]!;
  for (let i = 0; i < out.length; i++) out[i] = activateRef(x[i]!, attrs.activation, slope ? slope[i % c]! : attrs.alpha);
}

const WG = 256;
function webgpu(be: WebGpuBackend, { inputs, inShapes, outputs, attrs }: KernelArgs<GpuStorage, Epilogue>): void {
  const size = outputs[0]!.size;
  const groups = grid(Math.ceil(size / WG));
  const u = new ArrayBuffer(16);
  new Uint32Array(u, 0, 3).set([size, channelsOf(inShapes[0]!), groups[0] * WG]);
  new Float32Array(u, 12, 1)[0] = attrs.alpha;
  be.dispatch({
    shader: 'activation',
    constants: { ACT: attrs.code, WG, PRELU: !!inputs[1] },
    // Without prelu, bind x again in the unused slope slot (read-only both times).
    bindings: [inputs[0]!, inputs[1] ?? inputs[0]!, outputs[0]!],
    uniforms: u,
    workgroups: groups,
  });
}

function wasm(be: WasmBackend, { inputs, inShapes, outputs, attrs }: KernelArgs<WasmStorage, Epilogue>): void {
  const c = channelsOf(inShapes[0]!);
  const rows = outputs[0]!.size / c;
  const x = inputs[0]!.ptr;
  const out = outputs[0]!.ptr;
  // Rows split over threads: each range is an independent slice of x and out.
  be.parallel('activation_f32_simd', rows, Math.ceil(16384 / Math.max(1, c)), (first, count) => [
    x + first * c * 4,
    out + first * c * 4,
    count,
    c,
    attrs.code,
    attrs.alpha,
    inputs[1]?.ptr ?? 0,
  ]);
}

export const activationOp = defineOp<ActivationAttrs, Epilogue>({
  name: 'activation',
  prepare: prepareActivation,
  kernels: { reference, webgpu, wasm },
});

/** Elementwise activation; `preluAlpha` (one slope per channel, last dim) with activation 'prelu'. */
export function activation(engine: Engine, x: Tensor, attrs: ActivationAttrs, preluAlpha?: Tensor): Tensor {
  return engine.run1(activationOp, [x, preluAlpha], attrs);
}
