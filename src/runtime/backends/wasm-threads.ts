import { KernelError } from '../errors.js';
import type { WorkerLike } from '../platform.js';

// A pthreadpool-style pool for the wasm backend: every worker instantiates the same multi-threaded kernel module
// on the same shared memory and waits on its own slot of a shared control block. A parallel call writes a kernel
// index and its arguments per worker, wakes them, runs the first chunk on the calling thread, then waits.
// Workers never allocate: all tensors and scratch come from the calling thread's allocator.

const SLOT_INTS = 16; // [seq, done, kernel, argc, error, ...]
const SLOT_ARGS = 32; // f64 arguments per slot: exact for i32 pointers, sizes and f32 scalars
const SEQ = 0;
const DONE = 1;
const KERNEL = 2;
const ARGC = 3;
const ERROR = 4;

// Written against the Web Worker API (self.postMessage / message events); the Node platform adapts
// worker_threads to it with a small prelude, so this text names no Node module.
const WORKER_CODE = `
const port = self;
const listen = (cb) => port.addEventListener('message', (e) => cb(e.data));
listen(async (msg) => {
  const { module, memory, ctrl, args, slot, names } = msg;
  const inst = await WebAssembly.instantiate(module, { env: { memory, abort() { throw new Error('wasm abort'); } } });
  const fns = names.map((n) => inst.exports[n]);
  const i32 = new Int32Array(ctrl, slot * ${SLOT_INTS} * 4, ${SLOT_INTS});
  const f64 = new Float64Array(args, slot * ${SLOT_ARGS} * 8, ${SLOT_ARGS});
  port.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(i32, ${SEQ}, seen);
    seen = Atomics.load(i32, ${SEQ});
    if (seen < 0) break;
    try {
      fns[i32[${KERNEL}]](...Array.from(f64.subarray(0, i32[${ARGC}])));
      i32[${ERROR}] = 0;
    } catch (e) {
      i32[${ERROR}] = 1;
    }
    Atomics.store(i32, ${DONE}, seen);
    Atomics.notify(i32, ${DONE});
  }
});
`;

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class WasmThreadPool {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly kernelIndex: Map<string, number>;
  private readonly blocking = canBlock();
  private seq = 0;
  private closed = false;

  private constructor(
    private readonly workers: WorkerLike[],
    ctrl: SharedArrayBuffer,
    args: SharedArrayBuffer,
    names: string[],
  ) {
    this.i32 = new Int32Array(ctrl);
    this.f64 = new Float64Array(args);
    this.kernelIndex = new Map(names.map((n, i) => [n, i]));
  }

  /** Starts `count` workers on `module` + shared `memory`; resolves once all are ready. */
  static async start(
    count: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    spawn: (code: string) => Promise<WorkerLike>,
  ): Promise<WasmThreadPool> {
    const names = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name);
    const ctrl = new SharedArrayBuffer(count * SLOT_INTS * 4);
    const args = new SharedArrayBuffer(count * SLOT_ARGS * 8);
    const workers = await Promise.all(Array.from({ length: count }, () => spawn(WORKER_CODE)));
    try {
      await Promise.all(
        workers.map(
          (w, slot) =>
            new Promise<void>((resolve, reject) => {
              w.onMessage((m) => (m === 'ready' ? resolve() : undefined));
              w.onError((e) => reject(new KernelError(`wasm thread ${slot} failed to start: ${String((e as Error)?.message ?? e)}`)));
              w.postMessage({ module, memory, ctrl, args, slot, names });
            }),
        ),
      );
    } catch (e) {
      workers.forEach((w) => w.terminate());
      throw e;
    }
    return new WasmThreadPool(workers, ctrl, args, names);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs kernel `name` once per argument list, in parallel: `calls[0]` on the calling thread through `local`,
   * the rest on workers. Returns when all are done.
   */
  run(name: string, calls: readonly (readonly number[])[], local: (args: readonly number[]) => void): void {
    if (this.closed) throw new KernelError('wasm thread pool used after dispose');
    const k = this.kernelIndex.get(name);
    if (k === undefined) throw new KernelError(`wasm: kernel '${name}' is missing from the threaded module`);
    const remote = calls.length - 1;
    if (remote > this.workers.length) throw new KernelError(`wasm: ${calls.length} chunks for ${this.workers.length + 1} threads`);
    const seq = ++this.seq;
    for (let w = 0; w < remote; w++) {
      const args = calls[w + 1]!;
      if (args.length > SLOT_ARGS) throw new KernelError(`wasm: '${name}' has more than ${SLOT_ARGS} arguments`);
      const base = w * SLOT_INTS;
      this.f64.set(args, w * SLOT_ARGS);
      this.i32[base + KERNEL] = k;
      this.i32[base + ARGC] = args.length;
      Atomics.store(this.i32, base + SEQ, seq);
      Atomics.notify(this.i32, base + SEQ);
    }
    let failure: unknown;
    try {
      local(calls[0]!);
    } catch (e) {
      failure = e;
    }
    for (let w = 0; w < remote; w++) {
      const base = w * SLOT_INTS;
      for (;;) {
        const done = Atomics.load(this.i32, base + DONE);
        if (done === seq) break;
        if (this.blocking) Atomics.wait(this.i32, base + DONE, done, 1000);
      }
      if (this.i32[base + ERROR]) failure ??= new KernelError(`wasm: '${name}' failed on thread ${w + 1}`);
    }
    if (failure) throw failure;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.i32, w * SLOT_INTS + SEQ, -1);
      Atomics.notify(this.i32, w * SLOT_INTS + SEQ);
      this.workers[w]!.terminate();
    }
  }
}

/** Splits [0, total) into at most `parts` contiguous ranges of at least `minChunk` items: [first, count][]. */
export function splitRange(total: number, parts: number, minChunk = 1): [number, number][] {
  const n = Math.max(1, Math.min(parts, Math.floor(total / Math.max(1, minChunk)) || 1));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const first = Math.floor((total * i) / n);
    const last = Math.floor((total * (i + 1)) / n);
    if (last > first) out.push([first, last - first]);
  }
  return out;
}
