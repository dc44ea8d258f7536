import type { WasmBackend } from '../runtime/backends/wasm.js';

/** Writes integers into a scratch block (i32) for a kernel's shape/stride parameters. */
export function writeI32(be: WasmBackend, ptr: number, values: readonly number[]): void {
  new Int32Array(be.exports.memory.buffer, ptr, values.length).set(values);
}
