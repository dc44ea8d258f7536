import { KernelError } from '../errors.js';
import type { WorkerLike } from '../platform.js';
import { canBlock } from '../atomics.js';

// A pthreadpool-style pool for the wasm backend: every worker instantiates the same multi-threaded kernel module
// on the same shared memory. A parallel call publishes a job (kernel, argument lists of its chunks) and the
// calling thread and the workers claim chunks from one shared counter until none is left, so a worker that wakes
// late, or is descheduled on a busy machine, takes fewer chunks instead of holding everyone up. Chunks compute
// fixed ranges, so which thread runs one never changes a result. Workers spin briefly after a job before they
// sleep in Atomics.wait: back-to-back kernels (a network's layers) then skip the futex wake-up.
// Workers never allocate: all tensors and scratch come from the calling thread's allocator.

const EPOCH = 0; // bumped per job; idle workers wait on it
const CLAIM = 1; // (job << CHUNK_BITS) | next unclaimed chunk
const DONE = 2; // chunks finished in the current job
const KERNEL = 3;
const ARGC = 4;
const CHUNKS = 5;
const ERROR = 6;
const CTRL_INTS = 8;
const CHUNK_BITS = 11;
/** Chunks one job may have (the claim word keeps the chunk index in CHUNK_BITS bits). */
export const MAX_CHUNKS = 256;
const SLOT_ARGS = 32; // f64 arguments per chunk: exact for i32 pointers, sizes and f32 scalars
const JOB_MASK = (1 << (31 - CHUNK_BITS)) - 1;
/**
 * How long an idle worker spins on shared memory before it sleeps in Atomics.wait (ms): a network's next kernel
 * usually comes sooner. The calling thread, waiting for the last claimed chunks, spins less: on a busy machine a
 * preempted worker needs the core it would be spinning on.
 */
const SPIN_MS = 2;
const WAIT_SPIN_MS = 0.3;
/**
 * A job whose calling thread, out of chunks, still waits this long (ms, and half its own working time) for a
 * worker's claimed chunk had its worker preempted: the machine is oversubscribed. The next jobs then run on the
 * calling thread alone (4, 8, ... up to 256 of them, doubling while it persists), so two threads do not run
 * slower than one on a busy machine, and idle workers stop spinning on a core others need.
 */
const STRAGGLER_MS = 1;
const MAX_BACKOFF = 256;

/**
 * A spin-wait step standing in for x86 PAUSE (JS has none): 8 dependent divisions, ~100 cycles of latency in
 * 8 instructions. A tight load-compare loop takes issue slots from the thread doing the work when the two
 * threads share a physical core (SMT siblings, as a cloud VM's vCPU pairs often are): with it, single-chunk
 * kernels ran up to 2x slower at 2 threads than at 1. Callers keep the result live (else the chain is dead code).
 */
function pauseStep(d: number): number {
  for (let j = 0; j < 8; j++) d = 1 / (d + 1e-9);
  return d;
}
/** pauseStep's body for WORKER_CODE, on its variable d. */
const PAUSE_STEP = 'for (let j = 0; j < 8; j++) d = 1 / (d + 1e-9);';

// Written against the Web Worker API (self.postMessage / message events); the Node platform adapts
// worker_threads to it with a small prelude, so this text names no Node module.
const WORKER_CODE = `
const port = self;
const listen = (cb) => port.addEventListener('message', (e) => cb(e.data));
listen(async (msg) => {
  const { module, memory, ctrl, args, names } = msg;
  const inst = await WebAssembly.instantiate(module, { env: { memory, abort() { throw new Error('wasm abort'); } } });
  const fns = names.map((n) => inst.exports[n]);
  const c = new Int32Array(ctrl);
  const f64 = new Float64Array(args);
  port.postMessage('ready');
  let seen = Atomics.load(c, ${EPOCH});
  for (;;) {
    // Spin a little before sleeping: the next job usually comes within microseconds.
    const until = performance.now() + ${SPIN_MS};
    let spins = 0;
    let d = 1.5;
    // d is never 0: testing it keeps the pause chain from being optimised away.
    while (Atomics.load(c, ${EPOCH}) === seen && d !== 0) {
      ${PAUSE_STEP}
      if ((++spins & 255) === 0 && performance.now() > until) {
        Atomics.wait(c, ${EPOCH}, seen);
        break;
      }
    }
    seen = Atomics.load(c, ${EPOCH});
    if (seen < 0) break;
    for (;;) {
      const cur = Atomics.load(c, ${CLAIM});
      if ((cur >>> ${CHUNK_BITS}) !== (seen & ${JOB_MASK})) break; // a later job, or none: go back to waiting
      const i = cur & ${(1 << CHUNK_BITS) - 1};
      const k = c[${KERNEL}], argc = c[${ARGC}], n = c[${CHUNKS}];
      if (i >= n) break;
      if (Atomics.compareExchange(c, ${CLAIM}, cur, cur + 1) !== cur) continue;
      try {
        fns[k](...Array.from(f64.subarray(i * ${SLOT_ARGS}, i * ${SLOT_ARGS} + argc)));
      } catch (e) {
        Atomics.store(c, ${ERROR}, 1);
      }
      if (Atomics.add(c, ${DONE}, 1) + 1 === n) Atomics.notify(c, ${DONE});
    }
  }
});
`;

export class WasmThreadPool {
  private readonly c: Int32Array;
  private readonly f64: Float64Array;
  private readonly kernelIndex: Map<string, number>;
  private readonly blocking = canBlock();
  private job = 0;
  private closed = false;
  /** Jobs left to run on the calling thread alone, and the length of the last such stretch. */
  private backoff = 0;
  private backoffLen = 0;
  /** The last wait's pause chain result, kept so the compiler cannot drop the chain. */
  private sink = 0;

  private constructor(
    private readonly workers: WorkerLike[],
    ctrl: SharedArrayBuffer,
    args: SharedArrayBuffer,
    names: string[],
  ) {
    this.c = new Int32Array(ctrl);
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
    const ctrl = new SharedArrayBuffer(CTRL_INTS * 4);
    const args = new SharedArrayBuffer(MAX_CHUNKS * SLOT_ARGS * 8);
    const workers = await Promise.all(Array.from({ length: count }, () => spawn(WORKER_CODE)));
    try {
      await Promise.all(
        workers.map(
          (w, slot) =>
            new Promise<void>((resolve, reject) => {
              w.onMessage((m) => (m === 'ready' ? resolve() : undefined));
              w.onError((e) => reject(new KernelError(`wasm thread ${slot} failed to start: ${String((e as Error)?.message ?? e)}`)));
              w.postMessage({ module, memory, ctrl, args, names });
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
   * Runs kernel `name` once per argument list (chunk), in parallel: the calling thread (through `local`) and the
   * workers claim chunks until all are taken. Returns when all are done.
   */
  run(name: string, calls: readonly (readonly number[])[], local: (args: readonly number[]) => void): void {
    if (this.closed) throw new KernelError('wasm thread pool used after dispose');
    const k = this.kernelIndex.get(name);
    if (k === undefined) throw new KernelError(`wasm: kernel '${name}' is missing from the threaded module`);
    const n = calls.length;
    if (n > MAX_CHUNKS) throw new KernelError(`wasm: ${n} chunks, more than ${MAX_CHUNKS}`);
    const argc = calls[0]?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const args = calls[i]!;
      if (args.length !== argc) throw new KernelError(`wasm: '${name}' chunks differ in argument count`);
      if (argc > SLOT_ARGS) throw new KernelError(`wasm: '${name}' has more than ${SLOT_ARGS} arguments`);
      this.f64.set(args, i * SLOT_ARGS);
    }
    if (this.backoff > 0) {
      this.backoff--;
      for (const args of calls) local(args);
      return;
    }
    const start = performance.now();
    const c = this.c;
    const job = (this.job = (this.job % JOB_MASK) + 1); // never 0: the idle control block reads as job 0
    c[KERNEL] = k;
    c[ARGC] = argc;
    c[CHUNKS] = n;
    c[ERROR] = 0;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, CLAIM, job << CHUNK_BITS); // publishes the job (seq-cst: the plain writes above are visible)
    Atomics.store(c, EPOCH, job);
    Atomics.notify(c, EPOCH);
    let failure: unknown;
    for (;;) {
      const cur = Atomics.load(c, CLAIM);
      const i = cur & ((1 << CHUNK_BITS) - 1);
      if (i >= n) break;
      if (Atomics.compareExchange(c, CLAIM, cur, cur + 1) !== cur) continue;
      try {
        local(calls[i]!);
      } catch (e) {
        failure ??= e;
      }
      Atomics.add(c, DONE, 1);
    }
    // Chunks a worker claimed are finishing: spin, then sleep if this thread may block (never a page's main thread).
    const idle = performance.now();
    const until = idle + WAIT_SPIN_MS;
    let spins = 0;
    let d = 1.5;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= n) break;
      d = pauseStep(d);
      if ((++spins & 255) === 0 && this.blocking && performance.now() > until) Atomics.wait(c, DONE, done, 100);
    }
    this.sink = d;
    const waited = spins > 0 ? performance.now() - idle : 0;
    if (waited > Math.max(STRAGGLER_MS, (idle - start) / 2)) {
      this.backoffLen = Math.min(MAX_BACKOFF, Math.max(4, this.backoffLen * 2));
      this.backoff = this.backoffLen;
    } else if (this.backoffLen > 0) {
      this.backoffLen >>= 1; // a job without a straggler: trust the workers a little more
    }
    if (c[ERROR]) failure ??= new KernelError(`wasm: '${name}' failed on a worker thread`);
    if (failure) throw failure;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.c, CLAIM, 0);
    Atomics.store(this.c, EPOCH, -1);
    Atomics.notify(this.c, EPOCH);
    for (const w of this.workers) w.terminate();
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
