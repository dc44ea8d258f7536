// Host data in and out of the Layers API: nested arrays, Float32Array + shape, or tensors, validated with typed
// errors (ragged batches, wrong sizes, NaN / Infinity) before anything reaches a kernel.
import { fail } from '../runtime/errors.js';
import { Tensor } from '../runtime/tensor.js';

/** Nested JS arrays of numbers ([batch][T][features], [batch][features], ...). */
export type NestedArray = number[] | NestedArray[];

/** Host values with their shape. */
export interface HostData {
  data: Float32Array;
  shape: number[];
}

/** What predict / fit / evaluate take: a tensor, host values with a shape, or nested arrays. */
export type DataInput = Tensor | HostData | Float32Array | NestedArray;

function describeIndex(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  const names = shape.length === 3 ? ['sample', 'step', 'feature'] : shape.length === 2 ? ['sample', 'feature'] : [];
  return idx.map((v, i) => `${names[i] ?? `dim ${i}`} ${v}`).join(', ');
}

/** Throws InvalidArgumentError at the first NaN / Infinity, naming its position. */
export function checkFinite(where: string, what: string, d: HostData): void {
  const a = d.data;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) fail(where, `${what} holds ${a[i]} at ${describeIndex(d.shape, i)} (inputs must be finite numbers)`);
  }
}

function nestedShape(where: string, what: string, v: unknown, path: string): number[] {
  if (!Array.isArray(v)) {
    if (typeof v !== 'number') fail(where, `${what}${path} is ${v === null ? 'null' : typeof v}, not a number`);
    return [];
  }
  if (v.length === 0) return [0];
  const first = nestedShape(where, what, v[0], `${path}[0]`);
  for (let i = 1; i < v.length; i++) {
    const s = nestedShape(where, what, v[i], `${path}[${i}]`);
    if (s.length !== first.length || s.some((d, k) => d !== first[k])) {
      const sample = path === '' ? `sample ${i}` : `${what}${path}[${i}]`;
      const first0 = path === '' ? 'sample 0' : `${what}${path}[0]`;
      fail(where, `${what} is ragged: ${sample} has shape [${s.join(', ')}] but ${first0} has [${first.join(', ')}] (pad sequences to one length, and mask the padding with a Masking layer)`);
    }
  }
  return [v.length, ...first];
}

/** Host data from nested arrays or a Float32Array + shape; validates sizes and finiteness. */
export function toHost(where: string, what: string, x: HostData | Float32Array | NestedArray, shape?: readonly number[]): HostData {
  let d: HostData;
  if (x instanceof Float32Array) {
    if (!shape) fail(where, `${what} is a Float32Array: pass its shape too`);
    d = { data: x, shape: [...shape] };
  } else if (Array.isArray(x)) {
    const s = nestedShape(where, what, x, '');
    const data = Float32Array.from((x as unknown[]).flat(Infinity) as number[]);
    d = { data, shape: s };
    if (shape && (shape.length !== s.length || shape.some((v, i) => v !== s[i]))) fail(where, `${what} has shape [${s.join(', ')}], not the [${shape.join(', ')}] given`);
  } else if (x && typeof x === 'object' && (x as HostData).data instanceof Float32Array && Array.isArray((x as HostData).shape)) {
    d = { data: (x as HostData).data, shape: [...(x as HostData).shape] };
  } else {
    return fail(where, `${what} must be a Tensor, a Float32Array with a shape, { data, shape } or nested arrays, got ${x === null ? 'null' : typeof x}`);
  }
  for (const v of d.shape) if (!Number.isInteger(v) || v < 0) fail(where, `${what} shape [${d.shape.join(', ')}] has a bad dimension ${v}`);
  const n = d.shape.reduce((a, b) => a * b, 1);
  if (d.data.length !== n) fail(where, `${what} has ${d.data.length} values but shape [${d.shape.join(', ')}] needs ${n}`);
  checkFinite(where, what, d);
  return d;
}

/** As toHost; a Tensor is read back first (one readback). */
export async function toHostAsync(where: string, what: string, x: DataInput, shape?: readonly number[]): Promise<HostData> {
  if (x instanceof Tensor) {
    if (x.disposed) fail(where, `${what} ${x} was disposed`);
    return toHost(where, what, { data: await x.data(), shape: [...x.shape] });
  }
  return toHost(where, what, x, shape);
}

/** Rows [from, to) of the samples `order[from..to)` of d, as one contiguous block. */
export function gatherRows(d: HostData, order: ArrayLike<number>, from: number, to: number): HostData {
  const row = d.data.length / d.shape[0]!;
  const out = new Float32Array((to - from) * row);
  for (let i = from; i < to; i++) out.set(d.data.subarray(order[i]! * row, (order[i]! + 1) * row), (i - from) * row);
  return { data: out, shape: [to - from, ...d.shape.slice(1)] };
}

/** Samples [from, to) of d (a view, no copy). */
export function sliceRows(d: HostData, from: number, to: number): HostData {
  const row = d.data.length / Math.max(1, d.shape[0]!);
  return { data: d.data.subarray(from * row, to * row), shape: [to - from, ...d.shape.slice(1)] };
}
