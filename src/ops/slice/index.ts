import type { Engine } from '../../runtime/engine.js';
import { defineOp } from '../../runtime/op.js';
import type { Tensor } from '../../runtime/tensor.js';
import { sliceChannelsReference } from './reference.js';
import { prepareSliceChannels, type SliceChannelsAttrs, type SliceChannelsNorm } from './spec.js';
import { sliceChannelsWasm } from './wasm.js';
import { sliceChannelsWebGpu } from './webgpu.js';

export type { SliceChannelsAttrs } from './spec.js';

export const sliceChannelsOp = defineOp<SliceChannelsAttrs, SliceChannelsNorm>({
  name: 'sliceChannels',
  prepare: prepareSliceChannels,
  kernels: { reference: sliceChannelsReference, wasm: sliceChannelsWasm, webgpu: sliceChannelsWebGpu },
});

/**
 * x[..., start : start + size] along the last (channel) axis. Concat's backward: the gradient of input i of a
 * channel concat is sliceChannels(dy, offset_i, channels_i).
 */
export function sliceChannels(engine: Engine, x: Tensor, start: number, size: number): Tensor {
  return engine.run1(sliceChannelsOp, [x], { start, size });
}
