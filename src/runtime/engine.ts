import type { Backend, BackendName, BackendStats } from './backend.js';
import { ReferenceBackend } from './backends/reference.js';
import { WasmBackend, type WasmVariant } from './backends/wasm.js';
import { WebGpuBackend } from './backends/webgpu.js';
import { DeviceLostError, InvalidArgumentError, UnsupportedError, fail } from './errors.js';
import type { OpDef } from './op.js';
import { getPlatform, type Platform } from './platform.js';
import { checkShape, sizeOf, shapeStr, type Shape } from './shape.js';
import { Tensor, type DType, type TensorOwner } from './tensor.js';

export type BackendChoice = 'auto' | BackendName;

export interface EngineOptions {
  /** 'auto' (default): WebGPU when an adapter exists, else WASM. 'reference' is the f64 test oracle. */
  backend?: BackendChoice;
  /** Where the engine reports its choices (backend picked, device lost). Default: console.info. Pass null to mute. */
  log?: ((message: string) => void) | null;
  /** On device loss, continue on WASM (default true). */
  fallbackToWasm?: boolean;
  /** WASM SIMD flavour: 'auto' (default) takes relaxed SIMD where WebAssembly.validate accepts it. */
  wasmVariant?: WasmVariant | 'auto';
  /**
   * WASM threads, the calling thread included: 'auto' (default) uses every core (at most 8) when shared memory is
   * available (Node; browsers only when crossOriginIsolated), else 1 with one logged line saying why.
   */
  threads?: number | 'auto';
  /**
   * Optional WebGPU features to request: 'all' (default) takes every optional feature kernels can use (subgroups),
   * 'core' requests none, so kernels take their core-WebGPU fallbacks (tests cover those paths this way).
   */
  webgpuFeatures?: 'all' | 'core';
}

export interface EngineStats extends BackendStats {
  backend: BackendName;
  /** Tensors whose storage is alive (not disposed). */
  liveTensors: number;
}

const KNOWN_OPTIONS = ['backend', 'log', 'fallbackToWasm', 'wasmVariant', 'threads', 'webgpuFeatures'];

/**
 * The scheduler: owns one backend (plus a WASM fallback behind WebGPU), runs ops on it, recovers from device loss
 * by recomputing lost tensors from their lineage on WASM, and frees everything on dispose().
 */
export class Engine implements TensorOwner {
  private live = new Set<Tensor>();
  private disposed = false;
  private log: (m: string) => void;

  private constructor(
    private backend_: Backend,
    private fallback: WasmBackend | null,
    /** Why this backend was picked, in words. */
    readonly chosen: string,
    log: ((m: string) => void) | null,
  ) {
    this.log = log ?? (() => {});
  }

  static async create(options: EngineOptions = {}): Promise<Engine> {
    for (const k of Object.keys(options)) {
      if (!KNOWN_OPTIONS.includes(k)) fail('createEngine', `unknown option '${k}' (known: ${KNOWN_OPTIONS.join(', ')})`);
    }
    const choice = options.backend ?? 'auto';
    if (!['auto', 'webgpu', 'wasm', 'reference'].includes(choice)) {
      fail('createEngine', `backend must be 'auto', 'webgpu', 'wasm' or 'reference', got ${JSON.stringify(choice)}`);
    }
    const features = options.webgpuFeatures ?? 'all';
    if (features !== 'all' && features !== 'core') {
      fail('createEngine', `webgpuFeatures must be 'all' or 'core', got ${JSON.stringify(features)}`);
    }
    const log = options.log === undefined ? (m: string) => console.info(m) : options.log;
    const platform = getPlatform();
    const threads = pickThreads(options.threads, platform, log);
    const makeWasm = async () =>
      WasmBackend.create(await platform.wasmModules(), {
        variant: options.wasmVariant,
        threads,
        spawnWorker: (code) => platform.spawnWorker(code),
      });
    if (choice === 'reference') return new Engine(new ReferenceBackend(), null, 'reference (f64 oracle)', log);
    if (choice === 'wasm') {
      const w = await makeWasm();
      return new Engine(w, null, `wasm (${w.variant}, ${w.threads} thread${w.threads > 1 ? 's' : ''})`, log);
    }
    const gpu = await platform.gpu();
    const webgpu = gpu ? await WebGpuBackend.create(gpu, platform.shaders(), { features }) : null;
    if (!webgpu) {
      if (choice === 'webgpu') throw new UnsupportedError('createEngine: no WebGPU adapter available');
      const w = await makeWasm();
      const why = `wasm (${w.variant}, ${w.threads} thread${w.threads > 1 ? 's' : ''}): no WebGPU adapter`;
      log?.(`facegpu: backend ${why}`);
      return new Engine(w, null, why, log);
    }
    const fallback = options.fallbackToWasm === false ? null : await makeWasm();
    const why = `webgpu (${webgpu.adapterInfo}${features === 'core' ? '; core features only' : ''})`;
    if (choice === 'auto') log?.(`facegpu: backend ${why}`);
    return new Engine(webgpu, fallback, why, log);
  }

  /** The backend running work now ('webgpu' until a device loss moves the engine to 'wasm'). */
  get backendName(): BackendName {
    return this.backend_.name;
  }

  /** @internal for launchers and tests */
  get backend(): Backend {
    return this.backend_;
  }

  private checkOpen(): void {
    if (this.disposed) throw new InvalidArgumentError('engine: used after dispose()');
  }

  /**
   * Uploads host data as a tensor of `shape` (copied; the caller keeps its array). dtype 'u8' takes bytes (RGBA
   * pixels), uploaded packed; ops that accept u8 say so in their spec.
   */
  tensor(data: ArrayLike<number>, shape: Shape, dtype: DType = 'f32'): Tensor {
    this.checkOpen();
    checkShape('tensor', shape);
    if (dtype !== 'f32' && dtype !== 'u8') fail('tensor', `dtype must be 'f32' or 'u8', got ${JSON.stringify(dtype)}`);
    if (data.length !== sizeOf(shape)) {
      fail('tensor', `shape ${shapeStr(shape)} needs ${sizeOf(shape)} values, got ${data.length}`);
    }
    const host = dtype === 'u8' ? Uint8Array.from(data as ArrayLike<number>) : Float32Array.from(data as ArrayLike<number>);
    const t = new Tensor(this, [...shape], { kind: 'host', data: host }, dtype);
    this.withRecovery(() => this.materialise(t));
    return t;
  }

  /** Runs one op; returns its outputs. Inputs may be undefined where the op's spec makes them optional. */
  run<R, N>(op: OpDef<R, N>, inputs: readonly (Tensor | undefined)[], attrs: R): Tensor[] {
    this.checkOpen();
    inputs.forEach((t, i) => {
      if (t === undefined) return;
      if (!(t instanceof Tensor)) fail(op.name, `input ${i} is not a Tensor`);
      if (t.disposed) fail(op.name, `input ${i} ${t} was disposed`);
      const want = op.inputDTypes?.[i] ?? 'f32';
      if (t.dtype !== want) fail(op.name, `input ${i} must be ${want}, got ${t.dtype}`);
    });
    const { attrs: norm, outShapes } = op.prepare(
      inputs.map((t) => t?.shape),
      attrs,
    );
    const outputs: Tensor[] = [];
    outShapes.forEach((shape, index) =>
      outputs.push(new Tensor(this, shape, { kind: 'op', op: op as unknown as OpDef, attrs: norm, inputs: [...inputs], outputs, index })),
    );
    this.withRecovery(() => this.materialise(outputs[0]!));
    return outputs;
  }

  /** Runs a single-output op. */
  run1<R, N>(op: OpDef<R, N>, inputs: readonly (Tensor | undefined)[], attrs: R): Tensor {
    return this.run(op, inputs, attrs)[0]!;
  }

  /** Submits recorded GPU work now (reads do this by themselves). */
  flush(): void {
    this.backend_.flush();
  }

  /** @internal Reads a tensor; on device loss moves to WASM, recomputes and reads again. */
  async readTensor(t: Tensor): Promise<Float32Array> {
    this.checkOpen();
    if (t.disposed) fail('data', `${t} was disposed`);
    for (;;) {
      const be = this.backend_;
      try {
        const s = this.materialise(t);
        return await be.read(s, t.size);
      } catch (e) {
        if (!this.recover(be, e)) throw e;
      }
    }
  }

  /** @internal */
  async readTensorU8(t: Tensor): Promise<Uint8Array> {
    this.checkOpen();
    if (t.disposed) fail('bytes', `${t} was disposed`);
    if (t.dtype !== 'u8') fail('bytes', `${t} is ${t.dtype}, not u8`);
    for (;;) {
      const be = this.backend_;
      try {
        const s = this.materialise(t);
        return await be.readU8(s, t.size);
      } catch (e) {
        if (!this.recover(be, e)) throw e;
      }
    }
  }

  /** @internal */
  releaseTensor(t: Tensor): void {
    if (t.storage !== undefined && t.backend === this.backend_) this.backend_.release(t.storage);
    t.storage = undefined;
    t.backend = undefined;
    this.live.delete(t);
  }

  private withRecovery<T>(fn: () => T): T {
    for (;;) {
      const be = this.backend_;
      try {
        return fn();
      } catch (e) {
        if (!this.recover(be, e)) throw e;
      }
    }
  }

  /** Moves to the WASM fallback if `failed` lost its device. Returns whether the call should be retried. */
  private recover(failed: Backend, e: unknown): boolean {
    if (failed !== this.backend_) return true; // already moved on; retry on the new backend
    if (!(failed.lost || e instanceof DeviceLostError)) return false;
    if (!this.fallback) {
      if (e instanceof DeviceLostError) throw e;
      throw new DeviceLostError(`engine: device lost and no fallback (${(e as Error)?.message ?? e})`);
    }
    this.log(`facegpu: GPU device lost; continuing on wasm (${this.fallback.variant})`);
    for (const t of this.live) {
      t.storage = undefined;
      t.backend = undefined;
    }
    this.live.clear();
    failed.dispose();
    this.backend_ = this.fallback;
    this.fallback = null;
    return true;
  }

  /**
   * Makes sure `t` has storage on the current backend: uploads host data, or runs the op that makes it (inputs
   * first). Disposed tensors needed along the way are recomputed and freed again afterwards.
   */
  private materialise(t: Tensor): unknown {
    if (t.storage !== undefined && t.backend === this.backend_) return t.storage;
    const be = this.backend_;
    if (be.lost) throw new DeviceLostError('engine: device lost');
    const lin = t.lineage;
    if (lin.kind === 'host') {
      this.adopt(t, lin.data instanceof Uint8Array ? be.uploadU8(lin.data) : be.upload(lin.data));
      return t.storage;
    }
    const temps: Tensor[] = [];
    const ins = lin.inputs.map((x) => {
      if (x === undefined) return undefined;
      if (x.disposed && (x.storage === undefined || x.backend !== be)) temps.push(x);
      return this.materialise(x);
    });
    const outs = lin.outputs.map((o) => be.alloc(o.size));
    const kernel = lin.op.kernels[be.name];
    if (!kernel) {
      outs.forEach((s) => be.release(s));
      throw new UnsupportedError(`${lin.op.name}: no ${be.name} kernel`);
    }
    if (lin.outputs.every((o) => o.size > 0)) {
      try {
        kernel(be, {
          inputs: ins,
          inShapes: lin.inputs.map((x) => x?.shape),
          outputs: outs,
          outShapes: lin.outputs.map((o) => o.shape),
          attrs: lin.attrs,
        });
      } catch (e) {
        outs.forEach((s) => be.release(s));
        throw e;
      }
    }
    lin.outputs.forEach((o, i) => {
      if (o.disposed && o !== t) be.release(outs[i]);
      else this.adopt(o, outs[i]);
    });
    for (const x of temps) this.releaseTensor(x);
    return t.storage;
  }

  private adopt(t: Tensor, storage: unknown): void {
    t.storage = storage;
    t.backend = this.backend_;
    this.live.add(t);
  }

  stats(): EngineStats {
    return { ...this.backend_.stats(), backend: this.backend_.name, liveTensors: this.live.size };
  }

  /** Frees every tensor's storage, the pools, pipelines and the device. The engine cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const t of this.live) {
      t.storage = undefined;
      t.backend = undefined;
      t.disposed = true;
    }
    this.live.clear();
    this.backend_.dispose();
    this.fallback?.dispose();
    this.disposed = true;
  }
}

function pickThreads(option: number | 'auto' | undefined, platform: Platform, log: ((m: string) => void) | null): number {
  if (option !== undefined && option !== 'auto' && (typeof option !== 'number' || !Number.isInteger(option) || option < 1)) {
    fail('createEngine', `threads must be 'auto' or an integer >= 1, got ${JSON.stringify(option)}`);
  }
  const wanted = option === undefined || option === 'auto' ? Math.min(8, Math.max(1, platform.cores())) : option;
  if (wanted <= 1) return 1;
  const ok = platform.threadsAvailable();
  if (ok !== true) {
    log?.(`facegpu: wasm runs on 1 thread: ${ok}`);
    return 1;
  }
  return wanted;
}

export function createEngine(options?: EngineOptions): Promise<Engine> {
  return Engine.create(options);
}
