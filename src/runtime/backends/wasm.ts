import type { Backend, BackendStats } from '../backend.js';
import { KernelError, UnsupportedError } from '../errors.js';
import type { WorkerLike } from '../platform.js';
import { MAX_CHUNKS, splitRange, WasmThreadPool } from './wasm-threads.js';

/** A tensor's storage in wasm linear memory: a 16-byte aligned block of `size` f32 owned by the backend. */
export interface WasmStorage {
  ptr: number;
  size: number;
}

/** The kernel module's exports: allocator plus kernels named by what they do and how. */
export type WasmExports = Record<string, (...args: number[]) => number> & { memory: WebAssembly.Memory };

export interface WasmModules {
  /** Plain SIMD build (runs everywhere with wasm SIMD). */
  simd: Uint8Array<ArrayBuffer>;
  /** Relaxed SIMD build (fused multiply-add); used only where WebAssembly.validate accepts it. */
  relaxed?: Uint8Array<ArrayBuffer>;
  /** The same two builds on imported shared memory, for worker threads. */
  simdMt?: Uint8Array<ArrayBuffer>;
  relaxedMt?: Uint8Array<ArrayBuffer>;
}

export interface WasmOptions {
  variant?: WasmVariant | 'auto';
  /** Threads including the calling one (1 = no workers). */
  threads?: number;
  spawnWorker?: (code: string) => Promise<WorkerLike>;
}

const MT_INITIAL_PAGES = 16;
const MT_MAX_PAGES = 65536; // matches asconfig's maximumMemory for the -mt targets

/** Which SIMD flavour this runtime can run. */
export type WasmVariant = 'relaxed-simd' | 'simd';

export function pickWasmVariant(mods: WasmModules, want: WasmVariant | 'auto' = 'auto'): { bytes: Uint8Array<ArrayBuffer>; variant: WasmVariant } {
  if (want === 'relaxed-simd' && !(mods.relaxed && WebAssembly.validate(mods.relaxed))) {
    throw new UnsupportedError('wasm: this runtime lacks relaxed SIMD');
  }
  if (want !== 'simd' && mods.relaxed && WebAssembly.validate(mods.relaxed)) return { bytes: mods.relaxed, variant: 'relaxed-simd' };
  if (!WebAssembly.validate(mods.simd)) throw new UnsupportedError('wasm: this runtime lacks WebAssembly SIMD');
  return { bytes: mods.simd, variant: 'simd' };
}

export class WasmBackend implements Backend<WasmStorage> {
  readonly name = 'wasm' as const;
  readonly lost = false;
  private live = new Set<number>();
  private liveBytes = 0;
  private calls = 0;
  private disposed = false;
  /**
   * Derived copies (e.g. packed conv filters) per source ptr: `entries` hold what was built from the source's
   * current content version; `invalidate` bumps the version and frees them.
   */
  private derivedCache = new Map<number, { version: number; entries: Map<string, WasmStorage> }>();

  private constructor(
    readonly exports: WasmExports,
    readonly variant: 'relaxed-simd' | 'simd',
    private readonly pool: WasmThreadPool | null,
  ) {}

  static async create(mods: WasmModules, options: WasmOptions = {}): Promise<WasmBackend> {
    const { bytes, variant } = pickWasmVariant(mods, options.variant ?? 'auto');
    const abort = (_msg: number, _file: number, line: number, col: number) => {
      throw new KernelError(`wasm kernel aborted at ${line}:${col}`);
    };
    const threads = Math.max(1, Math.floor(options.threads ?? 1));
    const mtBytes = variant === 'relaxed-simd' ? mods.relaxedMt : mods.simdMt;
    if (threads > 1 && mtBytes && options.spawnWorker) {
      const memory = new WebAssembly.Memory({ initial: MT_INITIAL_PAGES, maximum: MT_MAX_PAGES, shared: true });
      const module = await WebAssembly.compile(mtBytes);
      const instance = await WebAssembly.instantiate(module, { env: { memory, abort } });
      const pool = await WasmThreadPool.start(threads - 1, module, memory, options.spawnWorker);
      const exports = { ...(instance.exports as object), memory } as unknown as WasmExports;
      return new WasmBackend(exports, variant, pool);
    }
    const { instance } = await WebAssembly.instantiate(bytes, { env: { abort } });
    return new WasmBackend(instance.exports as unknown as WasmExports, variant, null);
  }

  /** Threads kernels may split work over (the calling thread included). */
  get threads(): number {
    return this.pool ? this.pool.size + 1 : 1;
  }

  /**
   * Runs `kernel` over [0, total) split into contiguous ranges, one per thread (at least `minChunk` items each):
   * `args(first, count)` gives the kernel's arguments for a range. Falls back to one call without threads.
   * Kernels that take a range compute the same values whatever the split, so results do not depend on threads.
   * `chunks` (default: one per thread) splits finer; threads claim chunks as they go, which evens out late wake-ups.
   */
  parallel(kernel: string, total: number, minChunk: number, args: (first: number, count: number) => number[], chunks = this.threads): void {
    const ranges = splitRange(total, Math.min(MAX_CHUNKS, Math.max(this.threads, chunks)), minChunk);
    if (!this.pool || ranges.length <= 1) {
      this.call(kernel, ...args(0, total));
      return;
    }
    this.calls += ranges.length;
    this.pool.run(kernel, ranges.map(([f, c]) => args(f, c)), (a) => this.exports[kernel]!(...a));
  }

  /** An f32 view of linear memory; re-take it after any allocation (memory may grow and detach old views). */
  f32(ptr: number, size: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, ptr, size);
  }

  alloc(size: number): WasmStorage {
    const bytes = Math.max(16, size * 4);
    const ptr = this.exports.alloc(bytes);
    if (!ptr) throw new KernelError(`wasm: out of memory allocating ${bytes} bytes`);
    this.live.add(ptr);
    this.liveBytes += bytes;
    return { ptr, size };
  }

  upload(data: Float32Array): WasmStorage {
    const s = this.alloc(data.length);
    this.f32(s.ptr, data.length).set(data);
    return s;
  }

  uploadU8(data: Uint8Array): WasmStorage {
    const s = this.alloc(Math.ceil(data.length / 4));
    new Uint8Array(this.exports.memory.buffer, s.ptr, data.length).set(data);
    return s;
  }

  readU8(s: WasmStorage, count: number): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.exports.memory.buffer, s.ptr, count).slice());
  }

  read(s: WasmStorage, size: number): Promise<Float32Array> {
    return Promise.resolve(this.f32(s.ptr, size).slice());
  }

  release(s: WasmStorage): void {
    if (this.disposed || !this.live.delete(s.ptr)) return;
    this.dropDerived(s.ptr);
    this.derivedCache.delete(s.ptr);
    this.liveBytes -= Math.max(16, s.size * 4);
    this.exports.free(s.ptr);
  }

  /**
   * A copy derived from `source`'s contents (a packed filter, say): `size` floats (or a function giving it, asked
   * only when the copy is made) written once by `fill(ptr)` and cached per source storage, `key` (what was derived, and from which shape) and the source's content version.
   * It lives until the source is released or `invalidate(source)` is called; the caller never frees it (a fill
   * that throws frees its block).
   */
  derived(source: WasmStorage, key: string, size: number | (() => number), fill: (ptr: number) => void): WasmStorage {
    // Only storage this backend allocated is released through release(), which is what drops the copies.
    if (!this.live.has(source.ptr)) throw new KernelError('wasm: derived() needs a live storage of this backend');
    let c = this.derivedCache.get(source.ptr);
    if (!c) this.derivedCache.set(source.ptr, (c = { version: 0, entries: new Map() }));
    const k = `${c.version}|${key}`;
    let d = c.entries.get(k);
    if (!d) {
      d = this.alloc(typeof size === 'number' ? size : size());
      try {
        fill(d.ptr);
      } catch (e) {
        this.release(d);
        throw e;
      }
      c.entries.set(k, d);
    }
    return d;
  }

  /**
   * Says `source`'s contents changed (an op wrote it in place): bumps its version and frees what was derived
   * from it. Every op that writes an existing storage in place must call this.
   */
  invalidate(source: WasmStorage): void {
    const c = this.derivedCache.get(source.ptr);
    if (!c) return;
    this.dropDerived(source.ptr);
    c.version++;
  }

  private dropDerived(ptr: number): void {
    const c = this.derivedCache.get(ptr);
    if (!c) return;
    const entries = [...c.entries.values()];
    c.entries.clear();
    for (const d of entries) this.release(d);
  }

  /** Runs `fn` with temporary f32 scratch blocks that are freed afterwards, even if `fn` throws. */
  withScratch<T>(sizes: readonly number[], fn: (...ptrs: number[]) => T): T {
    const blocks = sizes.map((n) => this.alloc(n));
    try {
      return fn(...blocks.map((b) => b.ptr));
    } finally {
      for (const b of blocks) this.release(b);
    }
  }

  /** Calls a kernel export by name; a missing export is a build mismatch. */
  call(kernel: string, ...args: number[]): number {
    const f = this.exports[kernel];
    if (typeof f !== 'function') throw new KernelError(`wasm: kernel '${kernel}' is missing from the module`);
    this.calls++;
    return f(...args);
  }

  flush(): void {}

  stats(): BackendStats {
    return { allocations: this.live.size, pooled: 0, bytes: this.liveBytes, pipelines: 0, submits: this.calls };
  }

  dispose(): void {
    this.pool?.dispose();
    for (const p of this.live) this.exports.free(p);
    this.live.clear();
    this.derivedCache.clear();
    this.liveBytes = 0;
    this.disposed = true;
  }
}
