// Host-side layout helpers for the ONNX mapping: transposes (NCHW <-> NHWC, OIHW -> HWIO) and broadcasts on plain
// arrays. These move data, they never compute: the arithmetic under test runs in facegpu ops.

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** out[i_perm[0], ..., i_perm[r-1]] = x[i_0, ..., i_{r-1}]: output dim k is input dim perm[k]. */
export function transpose(values: ArrayLike<number>, dims: readonly number[], perm: readonly number[]): { values: Float64Array; dims: number[] } {
  const r = dims.length;
  if (perm.length !== r) throw new Error(`transpose: perm ${perm} for rank ${r}`);
  const outDims = perm.map((p) => dims[p]!);
  const inStrides = stridesOf(dims);
  const srcStride = perm.map((p) => inStrides[p]!);
  const n = sizeOf(dims);
  const out = new Float64Array(n);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let k = 0; k < r; k++) src += idx[k]! * srcStride[k]!;
    out[o] = values[src]!;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < outDims[k]!) break;
      idx[k] = 0;
    }
  }
  return { values: out, dims: outDims };
}

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** Numpy broadcast of `dims` to `target` (dims align from the right), materialised. */
export function broadcastTo(values: ArrayLike<number>, dims: readonly number[], target: readonly number[]): Float64Array {
  const r = target.length;
  if (dims.length > r) throw new Error(`broadcastTo: rank ${dims.length} > ${r}`);
  const padded = [...new Array<number>(r - dims.length).fill(1), ...dims];
  padded.forEach((d, i) => {
    if (d !== 1 && d !== target[i]) throw new Error(`broadcastTo: [${dims}] does not broadcast to [${target}]`);
  });
  const s = stridesOf(padded).map((st, i) => (padded[i] === 1 ? 0 : st));
  const n = sizeOf(target);
  const out = new Float64Array(n);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let k = 0; k < r; k++) src += idx[k]! * s[k]!;
    out[o] = values[src]!;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < target[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** Numpy broadcast shape of two shapes, or null when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
