/// <reference types="@webgpu/types" preserve="true" />
import { embeddedShaders, embeddedWasm } from './platform-common.js';
import type { Platform, WorkerLike } from './platform.js';

let gpuPromise: Promise<GPU | undefined> | undefined;

/** Dawn through the npm package `webgpu`; one GPU instance per process, shared by engines. */
async function dawn(): Promise<GPU | undefined> {
  try {
    const mod = (await import('webgpu')) as { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    // Dawn's constants (GPUBufferUsage, GPUMapMode...) as globals, for code written against the browser API.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    return mod.create([]);
  } catch {
    return undefined;
  }
}

export const nodePlatform: Platform = {
  name: 'node',
  gpu() {
    gpuPromise ??= dawn();
    return gpuPromise;
  },
  async wasmModules() {
    return embeddedWasm();
  },
  shaders: embeddedShaders,
  cores() {
    const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    return n ?? cpuCount;
  },
  threadsAvailable() {
    return typeof SharedArrayBuffer === 'undefined' ? 'SharedArrayBuffer unavailable' : true;
  },
  async spawnWorker(code: string): Promise<WorkerLike> {
    const { Worker } = await import('node:worker_threads');
    // V8 flags (e.g. relaxed SIMD on Node 20) are process-wide: workers see what the main thread sees.
    const w = new Worker(NODE_WORKER_PRELUDE + code, { eval: true });
    w.unref(); // idle pool threads never keep the process alive
    return {
      postMessage: (m) => w.postMessage(m),
      onMessage: (cb) => w.on('message', cb),
      onError: (cb) => w.on('error', cb),
      terminate: () => void w.terminate(),
    };
  },
};

/** Gives a worker_threads worker the Web Worker surface (self.postMessage, message events) pool code expects. */
const NODE_WORKER_PRELUDE = `
const { parentPort } = require('node:worker_threads');
globalThis.self = {
  postMessage: (m) => parentPort.postMessage(m),
  addEventListener: (type, cb) => parentPort.on(type, (data) => cb({ data })),
};
`;

let cpuCount = 1;
try {
  const os = await import('node:os');
  cpuCount = os.availableParallelism?.() ?? os.cpus().length;
} catch {
  // no os module: one core
}
