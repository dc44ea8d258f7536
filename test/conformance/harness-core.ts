// Runtime-agnostic core of the conformance harness (runs in Node and in Chromium).
import { opRegistry } from '../../src/ops/registry.js';
import type { Engine } from '../../src/runtime/engine.js';
import type { Tensor } from '../../src/runtime/tensor.js';
import { compare, describeMismatch } from '../support/compare.js';
import { readF64, type NamedEngine } from '../support/engine-set.js';
import { seededUniform } from '../support/random.js';
import type { CaseResult, InputSpec, OpCase } from './types.js';

export type { CaseResult };

export const DEFAULT_RTOL = 1e-4;
export const DEFAULT_ATOL = 1e-5;

export function inputData(spec: InputSpec, index: number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.data) return Float32Array.from(spec.data);
  const [lo, hi] = spec.range ?? [-1, 1];
  return seededUniform(spec.seed ?? 1000 + index, n, lo, hi);
}

/** Runs a case's op on `engine`, returns its outputs (tensors the caller disposes). */
export function runCase(engine: Engine, c: OpCase): { inputs: (Tensor | undefined)[]; outputs: Tensor[] } {
  const op = opRegistry[c.op];
  if (!op) throw new Error(`no op '${c.op}' in opRegistry`);
  // Inputs take the dtype the op declares (u8 pixels: values truncate to bytes) unless the case names one.
  const inputs = c.inputs.map((s, i) => (s ? engine.tensor(inputData(s, i), s.shape, s.dtype ?? op.inputDTypes?.[i] ?? 'f32') : undefined));
  try {
    return { inputs, outputs: engine.run(op, inputs, c.attrs) };
  } catch (e) {
    inputs.forEach((t) => t?.dispose());
    throw e;
  }
}

/** The f64 reference outputs of a case. */
export function referenceOutputs(ref: Engine, c: OpCase): Float64Array[] {
  const { inputs, outputs } = runCase(ref, c);
  const vals = outputs.map((t) => readF64(ref, t));
  [...inputs, ...outputs].forEach((t) => t?.dispose());
  return vals;
}

/**
 * Checks one case on one backend against the reference values. Returns null when it passes, else a message
 * naming op, case, backend, runtime, the worst element and its tolerance.
 */
export async function checkCase(
  ne: NamedEngine,
  c: OpCase,
  want: Float64Array[],
  runtime: string,
  onOutput?: (index: number, got: Float32Array) => void,
): Promise<string | null> {
  const { inputs, outputs } = runCase(ne.engine, c);
  try {
    if (outputs.length !== want.length) return `${outputs.length} outputs, want ${want.length}`;
    for (let k = 0; k < outputs.length; k++) {
      const got = await outputs[k]!.data();
      onOutput?.(k, got);
      const m = compare(got, want[k]!, c.rtol ?? DEFAULT_RTOL, c.atol ?? DEFAULT_ATOL);
      if (m) return `${c.op} / ${c.name} on ${ne.name} (${runtime}), output ${k}: ${describeMismatch(m)}`;
    }
    return null;
  } finally {
    [...inputs, ...outputs].forEach((t) => t?.dispose());
  }
}

/** A strided sample of an output (at most 128 values), enough to compare runtimes without storing everything. */
export interface OutputSample {
  length: number;
  stride: number;
  values: number[];
}

export function sampleOutput(got: Float32Array): OutputSample {
  const stride = Math.max(1, Math.ceil(got.length / 128));
  const values: number[] = [];
  for (let i = 0; i < got.length; i += stride) values.push(got[i]!);
  return { length: got.length, stride, values };
}

/** Compares a runtime's output with another runtime's sample of the same case and backend; null when within tol. */
export function compareToSample(got: Float32Array, s: OutputSample, rtol: number, atol: number): string | null {
  if (got.length !== s.length) return `length ${got.length} vs ${s.length}`;
  for (let j = 0; j < s.values.length; j++) {
    const i = j * s.stride;
    const a = got[i]!;
    const b = s.values[j]!;
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return `[${i}]: ${a} vs ${b}`;
  }
  return null;
}

/** Collects results across a test file; each runtime writes them its own way (fs in Node, a command in browsers). */
export class ResultCollector {
  readonly results: CaseResult[] = [];
  add(r: CaseResult): void {
    this.results.push(r);
  }
  json(): string {
    return JSON.stringify(this.results, null, 1);
  }
}
