/// <reference types="@webgpu/types" />
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
}

let current: Platform | undefined;

export function setPlatform(p: Platform): void {
  current = p;
}

export function getPlatform(): Platform {
  if (!current) throw new UnsupportedError('facegpu: no platform installed; import facegpu through its package entry');
  return current;
}
