import type { Backend, BackendStats } from '../backend.js';

/**
 * The oracle: plain TypeScript, storage in f64, kernels written for clarity. Not a product backend.
 */
export class ReferenceBackend implements Backend<Float64Array> {
  readonly name = 'reference' as const;
  readonly lost = false;
  private live = 0;
  private bytes = 0;
  private calls = 0;

  alloc(size: number): Float64Array {
    this.live++;
    this.bytes += size * 8;
    return new Float64Array(size);
  }
  upload(data: Float32Array): Float64Array {
    const s = this.alloc(data.length);
    s.set(data);
    return s;
  }
  /** u8 tensors hold one value (0..255) per element here: the oracle reads them like any tensor. */
  uploadU8(data: Uint8Array): Float64Array {
    const s = this.alloc(data.length);
    s.set(data);
    return s;
  }
  readU8(storage: Float64Array, count: number): Promise<Uint8Array> {
    return Promise.resolve(Uint8Array.from(storage.subarray(0, count)));
  }
  read(storage: Float64Array, size: number): Promise<Float32Array> {
    return Promise.resolve(Float32Array.from(storage.subarray(0, size)));
  }
  /** The f64 values, unrounded: what tests compare against. */
  readF64(storage: Float64Array): Float64Array {
    return storage;
  }
  release(storage: Float64Array): void {
    this.live--;
    this.bytes -= storage.length * 8;
  }
  flush(): void {
    this.calls++;
  }
  stats(): BackendStats {
    return { allocations: this.live, pooled: 0, bytes: this.bytes, pipelines: 0, submits: this.calls };
  }
  dispose(): void {
    this.live = 0;
    this.bytes = 0;
  }
}
