import type { Engine } from '../../runtime/engine.js';
import { defineOp, type OpDef } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { poolReference } from './reference.js';
import { preparePool, type PoolAttrs, type PoolNorm, type PoolOpName } from './spec.js';
import { poolWasm } from './wasm.js';
import { poolWebGpu } from './webgpu.js';

/** The three pool ops share one spec and one kernel per backend; the op name picks max or average. */
function poolOp<Raw>(name: PoolOpName): OpDef<Raw, PoolNorm> {
  return defineOp<Raw, PoolNorm>({
    name,
    prepare: (inShapes, attrs) => preparePool(name, inShapes, attrs as PoolAttrs | undefined),
    kernels: { reference: poolReference, webgpu: poolWebGpu, wasm: poolWasm },
  });
}

export type MaxPoolAttrs = Omit<PoolAttrs, 'countIncludePad'>;
export type AvgPoolAttrs = Omit<PoolAttrs, 'dilations'>;

export const maxPoolOp = poolOp<MaxPoolAttrs>('maxPool');
export const avgPoolOp = poolOp<AvgPoolAttrs>('avgPool');
export const globalAvgPoolOp = poolOp<Record<string, never> | undefined>('globalAvgPool');

/** Max pooling over an NHWC tensor; padded elements never win. */
export function maxPool(engine: Engine, x: Tensor, attrs: MaxPoolAttrs): Tensor {
  return engine.run1(maxPoolOp, [x], attrs);
}

/** Average pooling over an NHWC tensor; divides by the real (non-pad) taps unless countIncludePad. */
export function avgPool(engine: Engine, x: Tensor, attrs: AvgPoolAttrs): Tensor {
  return engine.run1(avgPoolOp, [x], attrs);
}

/** Mean over height and width: [n, h, w, c] -> [n, 1, 1, c]. */
export function globalAvgPool(engine: Engine, x: Tensor): Tensor {
  return engine.run1(globalAvgPoolOp, [x], {});
}
