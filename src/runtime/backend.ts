/** What the engine needs from a backend. A backend knows no op: ops bring their own kernels per backend. */
export type BackendName = 'reference' | 'wasm' | 'webgpu';

export interface BackendStats {
  /** Buffers/allocations owned by the backend right now (live + pooled free). */
  allocations: number;
  /** Of those, how many sit free in the pool waiting for reuse. */
  pooled: number;
  /** Bytes owned (live + pooled). */
  bytes: number;
  /** Compiled pipelines or instantiated kernels cached. */
  pipelines: number;
  /** Queue submits so far (webgpu), kernel calls (others). */
  submits: number;
  /** Bind groups created so far (webgpu: cached groups are reused, so a repeated run creates none). */
  bindGroups?: number;
}

export interface Backend<S = unknown> {
  readonly name: BackendName;
  /** True once the backend can no longer run work (GPU device lost). */
  readonly lost: boolean;
  /** Storage for `size` f32 elements; contents undefined. */
  alloc(size: number): S;
  upload(data: Float32Array): S;
  /** Uploads bytes (u8 tensors, e.g. RGBA pixels). Device backends pack 4 bytes per 32-bit word. */
  uploadU8(data: Uint8Array): S;
  /** Reads a u8 tensor of `count` bytes back. */
  readU8(storage: S, count: number): Promise<Uint8Array>;
  /** Reads `size` elements back. Rejects if the backend was lost meanwhile. */
  read(storage: S, size: number): Promise<Float32Array>;
  /** Gives storage back to the backend (pool). Safe while queued work still reads it. */
  release(storage: S): void;
  /** Submits recorded work, if any. */
  flush(): void;
  stats(): BackendStats;
  /** Frees everything the backend owns. */
  dispose(): void;
}
