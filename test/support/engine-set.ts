// Runtime-agnostic: the set of engines a conformance run needs, from whichever createEngine the runtime's entry
// provides (src/index.node.ts in Node, src/index.ts in browsers).
import type { Engine, EngineOptions } from '../../src/runtime/engine.js';
import { ReferenceBackend } from '../../src/runtime/backends/reference.js';
import type { Tensor } from '../../src/runtime/tensor.js';

export interface NamedEngine {
  /** reference | wasm-simd | wasm-relaxed | webgpu | webgpu-core */
  name: string;
  engine: Engine;
}

/** 'webgpu-core': WebGPU without optional features (no subgroups), so the core fallback kernels are tested too. */
export const BACKENDS_UNDER_TEST = ['wasm-simd', 'wasm-relaxed', 'webgpu', 'webgpu-core'] as const;

/**
 * Every backend this runtime must have. A missing one (no WebGPU adapter, no relaxed SIMD) is an error, not a
 * skip: the conformance suite then fails loudly.
 */
export async function makeEngines(create: (o: EngineOptions) => Promise<Engine>): Promise<NamedEngine[]> {
  const quiet = { log: null };
  return [
    { name: 'reference', engine: await create({ backend: 'reference', ...quiet }) },
    { name: 'wasm-simd', engine: await create({ backend: 'wasm', wasmVariant: 'simd', ...quiet }) },
    { name: 'wasm-relaxed', engine: await create({ backend: 'wasm', wasmVariant: 'relaxed-simd', ...quiet }) },
    { name: 'webgpu', engine: await create({ backend: 'webgpu', ...quiet }) },
    { name: 'webgpu-core', engine: await create({ backend: 'webgpu', webgpuFeatures: 'core', fallbackToWasm: false, ...quiet }) },
  ];
}

/** The reference engine's unrounded f64 values. */
export function readF64(engine: Engine, t: Tensor): Float64Array {
  const be = engine.backend;
  if (!(be instanceof ReferenceBackend)) throw new Error('readF64 needs the reference engine');
  return Float64Array.from(be.readF64(t.storage as Float64Array).subarray(0, t.size));
}
