/// <reference types="@webgpu/types" />
import { embeddedShaders, embeddedWasm } from './platform-common.js';
import type { Platform } from './platform.js';

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
};
