// Pad (constant / reflect / edge) over up to 6 dims, on the launcher's merged view (an NHWC pad over H and W
// becomes whole-row copies). Each innermost output row is either all fill (an outer coordinate falls in constant
// padding) or: left pad, one contiguous copy of the input row (memory.copy), right pad. Fills are v128 stores.
//
// params (i32): rank, mode (0 constant, 1 reflect, 2 edge), dims[rank], before[rank], outDims[rank].

// @ts-ignore: decorator
@inline
function p(params: usize, i: i32): i32 {
  return load<i32>(params + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function source(o: i32, size: i32, before: i32, mode: i32): i32 {
  const i = o - before;
  if (i >= 0 && i < size) return i;
  if (mode == 0) return -1;
  if (mode == 2) return i < 0 ? 0 : size - 1;
  return i < 0 ? -i : 2 * (size - 1) - i;
}

// @ts-ignore: decorator
@inline
function fill(po: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(po + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(po + (<usize>i << 2), value);
}

export function pad_f32_nd_simd(x: usize, out: usize, params: usize, value: f32): void {
  const rank = p(params, 0);
  const mode = p(params, 1);
  const last = rank - 1;
  const inner = p(params, 2 + last);
  const b = p(params, 2 + rank + last);
  const innerOut = p(params, 2 + 2 * rank + last);
  const a = innerOut - inner - b;
  let rows = 1;
  for (let d = 0; d < last; d++) rows *= p(params, 2 + 2 * rank + d);
  let po = out;
  for (let r = 0; r < rows; r++) {
    // Map the outer coordinates of this row to an input row (row-major, innermost outer dim first).
    let rest = r;
    let inRow = 0;
    let stride = inner;
    let isFill = false;
    for (let d = last - 1; d >= 0; d--) {
      const dim = p(params, 2 + d);
      const od = p(params, 2 + 2 * rank + d);
      const s = source(rest % od, dim, p(params, 2 + rank + d), mode);
      rest /= od;
      if (s < 0) isFill = true;
      inRow += s * stride;
      stride *= dim;
    }
    if (isFill) {
      fill(po, innerOut, value);
    } else {
      const src = x + (<usize>inRow << 2);
      if (mode == 0) {
        fill(po, b, value);
        fill(po + (<usize>(b + inner) << 2), a, value);
      } else {
        for (let j = 0; j < b; j++) store<f32>(po + (<usize>j << 2), load<f32>(src + (<usize>source(j, inner, b, mode) << 2)));
        for (let j = b + inner; j < innerOut; j++) store<f32>(po + (<usize>j << 2), load<f32>(src + (<usize>source(j, inner, b, mode) << 2)));
      }
      memory.copy(po + (<usize>b << 2), src, <usize>inner << 2);
    }
    po += <usize>innerOut << 2;
  }
}
