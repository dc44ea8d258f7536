import { createEngine, type Engine } from '../../src/index.node.js';
import { ReferenceBackend } from '../../src/runtime/backends/reference.js';
import type { Tensor } from '../../src/runtime/tensor.js';

export interface NamedEngine {
  /** reference | wasm-simd | wasm-relaxed | webgpu */
  name: string;
  engine: Engine;
}

/**
 * Every backend this runtime must have. A missing one (no WebGPU adapter, no relaxed SIMD) is an error, not a
 * skip: the conformance suite then fails loudly.
 */
export async function allEngines(): Promise<NamedEngine[]> {
  const quiet = { log: null };
  return [
    { name: 'reference', engine: await createEngine({ backend: 'reference', ...quiet }) },
    { name: 'wasm-simd', engine: await createEngine({ backend: 'wasm', wasmVariant: 'simd', ...quiet }) },
    { name: 'wasm-relaxed', engine: await createEngine({ backend: 'wasm', wasmVariant: 'relaxed-simd', ...quiet }) },
    { name: 'webgpu', engine: await createEngine({ backend: 'webgpu', ...quiet }) },
  ];
}

/** The reference engine's unrounded f64 values. */
export function readF64(engine: Engine, t: Tensor): Float64Array {
  const be = engine.backend;
  if (!(be instanceof ReferenceBackend)) throw new Error('readF64 needs the reference engine');
  return Float64Array.from(be.readF64(t.storage as Float64Array).subarray(0, t.size));
}
