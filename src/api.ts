// The public surface shared by every runtime entry.
export { createEngine, Engine, type EngineOptions, type EngineStats, type BackendChoice } from './runtime/engine.js';
export { Tensor } from './runtime/tensor.js';
export * from './runtime/errors.js';
export type { Shape } from './runtime/shape.js';
export type { OpDef, KernelArgs } from './runtime/op.js';
export type { BackendName, BackendStats } from './runtime/backend.js';
export * from './ops/index.js';
export { opRegistry } from './ops/registry.js';
export * from './nn/weights/index.js';
export { checkImage, type RgbaImage } from './face/image.js';
