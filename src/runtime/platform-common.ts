import { shaders } from '../generated/shaders.js';
import { wasmRelaxedBase64, wasmRelaxedMtBase64, wasmSimdBase64, wasmSimdMtBase64 } from '../generated/wasm.js';
import type { WasmModules } from './backends/wasm.js';

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === 'function') {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  throw new Error('no base64 decoder');
}

let cached: WasmModules | undefined;

/** The kernels embedded in the build: wasm (SIMD / relaxed SIMD, single- and multi-threaded) and WGSL sources. No file access needed. */
export function embeddedWasm(): WasmModules {
  cached ??= {
    simd: fromBase64(wasmSimdBase64),
    relaxed: fromBase64(wasmRelaxedBase64),
    simdMt: fromBase64(wasmSimdMtBase64),
    relaxedMt: fromBase64(wasmRelaxedMtBase64),
  };
  return cached;
}

export function embeddedShaders(): Readonly<Record<string, string>> {
  return shaders;
}
