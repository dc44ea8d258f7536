// Keras initialisers, seeded: the same algorithms and defaults as Keras / tfjs-layers (not their random streams).
import { fail } from '../runtime/errors.js';
import { Rng } from './rng.js';

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'lecunUniform'
  | 'lecunNormal'
  | 'orthogonal'
  | 'randomUniform'
  | 'randomNormal'
  | 'truncatedNormal'
  | 'constant';

export interface InitializerSpec {
  name: InitializerName;
  /** randomUniform: minval / maxval; randomNormal / truncatedNormal: mean / stddev; orthogonal: gain; constant: value. */
  minval?: number;
  maxval?: number;
  mean?: number;
  stddev?: number;
  gain?: number;
  value?: number;
}

export type Initializer = InitializerName | InitializerSpec;

const SNAKE: Record<string, InitializerName> = {
  zeros: 'zeros',
  ones: 'ones',
  glorot_uniform: 'glorotUniform',
  glorot_normal: 'glorotNormal',
  he_uniform: 'heUniform',
  he_normal: 'heNormal',
  lecun_uniform: 'lecunUniform',
  lecun_normal: 'lecunNormal',
  orthogonal: 'orthogonal',
  random_uniform: 'randomUniform',
  random_normal: 'randomNormal',
  truncated_normal: 'truncatedNormal',
  constant: 'constant',
};
const NAMES = new Set<string>(Object.values(SNAKE));

/** Normalises a name ('glorotUniform', Keras 'glorot_uniform') or spec; throws InvalidArgumentError naming `where`. */
export function toInitializer(where: string, v: unknown): InitializerSpec {
  if (typeof v === 'string') {
    const name = NAMES.has(v) ? (v as InitializerName) : SNAKE[v];
    if (!name) fail(where, `unknown initializer ${JSON.stringify(v)} (known: ${[...NAMES].join(', ')})`);
    return { name };
  }
  if (v && typeof v === 'object' && typeof (v as InitializerSpec).name === 'string') {
    const spec = v as InitializerSpec;
    const base = toInitializer(where, spec.name);
    for (const k of Object.keys(spec)) {
      if (!['name', 'minval', 'maxval', 'mean', 'stddev', 'gain', 'value'].includes(k)) fail(where, `unknown initializer option '${k}'`);
      const val = (spec as unknown as Record<string, unknown>)[k];
      if (k !== 'name' && (typeof val !== 'number' || !Number.isFinite(val))) fail(where, `initializer ${k} must be a finite number, got ${String(val)}`);
    }
    return { ...spec, name: base.name };
  }
  return fail(where, `initializer must be a name or { name, ... }, got ${JSON.stringify(v)}`);
}

/** Keras fans: [in, out] for a 2-D kernel; receptive field times channels for conv kernels. */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const rf = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [rf * shape[shape.length - 2]!, rf * shape[shape.length - 1]!];
}

/** Keras Orthogonal: QR of a normal [max, min] matrix with r's diagonal signs folded in; transposed when wide. */
function orthogonal(shape: readonly number[], gain: number, rng: Rng): Float32Array {
  const cols = shape[shape.length - 1]!;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  // a [m, n] column by column; modified Gram-Schmidt in f64 gives Q with R's diagonal positive, which is what
  // Keras's q * sign(diag(r)) normalises Householder QR to.
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const col = new Float64Array(m);
    for (let i = 0; i < m; i++) col[i] = rng.normal();
    q.push(col);
  }
  for (let j = 0; j < n; j++) {
    const v = q[j]!;
    for (let k = 0; k < j; k++) {
      const u = q[k]!;
      let d = 0;
      for (let i = 0; i < m; i++) d += u[i]! * v[i]!;
      for (let i = 0; i < m; i++) v[i]! -= d * u[i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) v[i]! /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows >= cols: out = Q [rows, cols]; else out = Q^T with Q [cols, rows].
      out[r * cols + c] = gain * (rows >= cols ? q[c]![r]! : q[r]![c]!);
    }
  }
  return out;
}

/** Values for a weight of `shape` from `init`, drawn from `rng`. */
export function initialize(init: InitializerSpec, shape: readonly number[], rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const [fanIn, fanOut] = fans(shape);
  const uniform = (limit: number) => {
    for (let i = 0; i < n; i++) out[i] = rng.uniform(-limit, limit);
  };
  // Keras's *_normal variance-scaling initialisers draw from a normal truncated at 2 sd, scaled by 1/0.8796.
  const truncated = (mean: number, sd: number) => {
    for (let i = 0; i < n; i++) {
      let v: number;
      do v = rng.normal();
      while (Math.abs(v) > 2);
      out[i] = mean + sd * v;
    }
  };
  switch (init.name) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value ?? 0);
    case 'glorotUniform':
      uniform(Math.sqrt(6 / (fanIn + fanOut)));
      return out;
    case 'glorotNormal':
      truncated(0, Math.sqrt(2 / (fanIn + fanOut)) / 0.87962566103423978);
      return out;
    case 'heUniform':
      uniform(Math.sqrt(6 / fanIn));
      return out;
    case 'heNormal':
      truncated(0, Math.sqrt(2 / fanIn) / 0.87962566103423978);
      return out;
    case 'lecunUniform':
      uniform(Math.sqrt(3 / fanIn));
      return out;
    case 'lecunNormal':
      truncated(0, Math.sqrt(1 / fanIn) / 0.87962566103423978);
      return out;
    case 'randomUniform': {
      const lo = init.minval ?? -0.05;
      const hi = init.maxval ?? 0.05;
      for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
      return out;
    }
    case 'randomNormal':
      for (let i = 0; i < n; i++) out[i] = (init.mean ?? 0) + (init.stddev ?? 0.05) * rng.normal();
      return out;
    case 'truncatedNormal':
      truncated(init.mean ?? 0, init.stddev ?? 0.05);
      return out;
    case 'orthogonal':
      return orthogonal(shape, init.gain ?? 1, rng);
  }
}
