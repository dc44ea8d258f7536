/** One input of a case: a shape plus either literal data or seeded uniform random values in `range`. */
export interface InputSpec {
  shape: number[];
  data?: number[];
  seed?: number;
  /** Uniform range for random data; default [-1, 1]. */
  range?: [number, number];
  /** Element type; default: what the op declares for this input (`inputDTypes`), else f32. */
  dtype?: 'f32' | 'u8';
}

/**
 * One conformance case. It runs on every backend and is compared to the f64 reference with |got - want| <=
 * atol + rtol * |want| (defaults 1e-5 / 1e-4). `expected` holds hand-computed outputs that check the reference
 * itself. `null` inputs are absent optional inputs.
 */
export interface OpCase {
  /** Key in opRegistry. */
  op: string;
  name: string;
  inputs: (InputSpec | null)[];
  attrs: unknown;
  rtol?: number;
  atol?: number;
  expected?: number[][];
}

/** A case that must be rejected with a typed error whose message matches. */
export interface BadCase {
  op: string;
  name: string;
  inputs: (InputSpec | null)[];
  attrs: unknown;
  error: 'InvalidArgumentError' | 'UnsupportedError';
  message: RegExp;
}

export type Status = 'passed' | 'failed' | 'excluded';

export interface CaseResult {
  suite: 'spec' | 'onnx';
  /** op name as reported (our op name for spec cases, the ONNX op type for ONNX cases) */
  op: string;
  case: string;
  backend: string;
  runtime: string;
  status: Status;
  detail?: string;
}
