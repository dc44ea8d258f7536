import { checkKeys } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';
import { prepareEpilogue, type Epilogue, type EpilogueAttrs } from '../activation/spec.js';

const OP = 'matmul';

export interface MatmulAttrs extends EpilogueAttrs {
  /** a is stored [..., k, m] (use its transpose). */
  transposeA?: boolean;
  /** b is stored [..., n, k] (use its transpose). */
  transposeB?: boolean;
}

export interface MatmulNorm extends Epilogue {
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  hasBias: boolean;
  /**
   * Batch dims of the output after dropping 1s, merging dims that step both inputs evenly, and folding a batch
   * that only `a` has into m (when a is not transposed): the common dense / conv-as-matmul case becomes one GEMM.
   * `aStrides` / `bStrides` step each input in elements per batch index (0 where broadcast).
   */
  batchDims: number[];
  aStrides: number[];
  bStrides: number[];
  /** Product of batchDims. */
  batch: number;
}

function bool(name: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') fail(OP, `${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** Element strides of each batch dim of `shape` (its last two dims are the matrix) over `out` batch dims. */
function batchStrides(shape: Shape, out: readonly number[]): number[] {
  const rank = shape.length - 2;
  const strides = new Array<number>(out.length).fill(0);
  let s = shape[rank]! * shape[rank + 1]!;
  for (let i = rank - 1; i >= 0; i--) {
    strides[out.length - rank + i] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}

/** a [..., m, k] x b [..., k, n] (+ bias [n], prelu alpha [n]) -> [...batch, m, n]; batch dims broadcast. */
export function prepareMatmul(inShapes: readonly (Shape | undefined)[], attrs: MatmulAttrs = {}): { attrs: MatmulNorm; outShapes: Shape[] } {
  attrs ??= {};
  checkKeys(OP, attrs, ['transposeA', 'transposeB', 'activation', 'alpha']);
  const transposeA = bool('transposeA', attrs.transposeA);
  const transposeB = bool('transposeB', attrs.transposeB);
  const [a, b, bias, prelu] = inShapes;
  if (!a || !b) fail(OP, 'needs inputs a and b');
  if (a.length < 2) fail(OP, `a must have rank >= 2, got rank ${a.length} ${shapeStr(a)}`);
  if (b.length < 2) fail(OP, `b must have rank >= 2, got rank ${b.length} ${shapeStr(b)}`);
  const ra = a.length;
  const rb = b.length;
  const m = transposeA ? a[ra - 1]! : a[ra - 2]!;
  const k = transposeA ? a[ra - 2]! : a[ra - 1]!;
  const kb = transposeB ? b[rb - 1]! : b[rb - 2]!;
  const n = transposeB ? b[rb - 2]! : b[rb - 1]!;
  if (k !== kb) {
    const ta = transposeA ? ' (transposed)' : '';
    const tb = transposeB ? ' (transposed)' : '';
    fail(OP, `inner dimensions do not match: a ${shapeStr(a)}${ta} has k=${k}, b ${shapeStr(b)}${tb} has k=${kb}`);
  }
  const aBatch = a.slice(0, -2);
  const bBatch = b.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const outBatch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = aBatch[aBatch.length - rank + i] ?? 1;
    const db = bBatch[bBatch.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      fail(OP, `batch dims of a ${shapeStr(a)} and b ${shapeStr(b)} do not broadcast (${da} vs ${db})`);
    }
    outBatch.push(da === 1 ? db : da);
  }
  if (bias && sizeOf(bias) !== n) fail(OP, `bias ${shapeStr(bias)} must hold n=${n} values (one per output column)`);
  const epi = prepareEpilogue(OP, attrs, prelu, n);

  // Drop size-1 dims, merge neighbours that step both inputs evenly.
  const aS = batchStrides(a, outBatch);
  const bS = batchStrides(b, outBatch);
  const dims: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  outBatch.forEach((d, i) => {
    if (d === 1) return;
    const last = dims.length - 1;
    if (last >= 0 && as[last] === aS[i]! * d && bs[last] === bS[i]! * d) {
      dims[last]! *= d;
      as[last] = aS[i]!;
      bs[last] = bS[i]!;
    } else {
      dims.push(d);
      as.push(aS[i]!);
      bs.push(bS[i]!);
    }
  });
  let rows = m;
  // A batch only `a` has, with a stored [.., m, k] contiguously: one GEMM over batch*m rows.
  if (!transposeA && dims.length === 1 && bs[0] === 0 && as[0] === m * k) {
    rows = m * dims[0]!;
    dims.length = as.length = bs.length = 0;
  }
  return {
    attrs: {
      // Named, not spread (...epi): V8 builds a spread followed by more properties on a slow path (see conv2d).
      activation: epi.activation,
      code: epi.code,
      alpha: epi.alpha,
      m: rows,
      k,
      n,
      transposeA,
      transposeB,
      hasBias: !!bias,
      batchDims: dims,
      aStrides: as,
      bStrides: bs,
      batch: dims.reduce((x, y) => x * y, 1),
    },
    outShapes: [[...outBatch, m, n]],
  };
}

/** Element offsets of batch index `z` in a and b. */
export function batchOffsets(attrs: MatmulNorm, z: number): [number, number] {
  let rest = z;
  let oa = 0;
  let ob = 0;
  for (let d = attrs.batchDims.length - 1; d >= 0; d--) {
    const i = rest % attrs.batchDims[d]!;
    rest = Math.floor(rest / attrs.batchDims[d]!);
    oa += i * attrs.aStrides[d]!;
    ob += i * attrs.bStrides[d]!;
  }
  return [oa, ob];
}
