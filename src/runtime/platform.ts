/// <reference types="@webgpu/types" preserve="true" />
import type { WasmModules } from './backends/wasm.js';
import { UnsupportedError } from './errors.js';

/**
 * What differs between runtimes: how to get a GPU and where the embedded kernels come from. The package entry
 * for each runtime (index.ts for browsers, index.node.ts for Node) installs one.
 */
export interface Platform {
  readonly name: 'node' | 'browser';
  gpu(): Promise<GPU | undefined>;
  wasmModules(): Promise<WasmModules>;
  shaders(): Readonly<Record<string, string>>;
  /** Logical cores available to wasm threads. */
  cores(): number;
  /**
   * Whether shared-memory threads can run: SharedArrayBuffer exists (browsers: only when crossOriginIsolated,
   * i.e. served with COOP/COEP). A string says why not.
   */
  threadsAvailable(): true | string;
  /** Starts a worker running `code` (plain JS; it talks through `postMessage`/`onmessage`). */
  spawnWorker(code: string): Promise<WorkerLike>;
}

/** The part of a Web Worker / worker_threads Worker the wasm thread pool needs. */
export interface WorkerLike {
  postMessage(msg: unknown): void;
  onMessage(cb: (msg: unknown) => void): void;
  onError(cb: (err: unknown) => void): void;
  terminate(): void;
}

let current: Platform | undefined;

export function setPlatform(p: Platform): void {
  current = p;
}

export function getPlatform(): Platform {
  if (!current) throw new UnsupportedError('facegpu: no platform installed; import facegpu through its package entry');
  return current;
}
