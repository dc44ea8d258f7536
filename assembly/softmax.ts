// Softmax along one axis, seen as rows: element i of row (o, j) at (o * len + i) * inner + j.
// Last axis (inner == 1): SIMD along the row. Other axes: SIMD across 4 neighbouring rows (j..j+3), which are
// adjacent in memory, so every load is a plain v128 load at stride `inner`.
// exp runs as a 4-lane polynomial (exp4): it is most of the work, and scalar Mathf.exp per lane is 4x slower.
import { madd } from './simd';

// @ts-ignore: decorator
@inline
function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * e^x on 4 lanes (Cephes expf): x = n ln2 + r with |r| <= ln2 / 2, e^r by a degree-6 polynomial, 2^n through the
 * exponent bits. n is rounded by adding 1.5 * 2^23 (the sum's low mantissa bits are then n itself), cheaper than
 * nearest + trunc_sat, which V8 expands into a long saturating sequence on x64. Relative error ~2e-7 for x in
 * [-87, 88]; below -87 (where softmax terms vanish) it returns ~1e-38 instead of 0.
 */
// @ts-ignore: decorator
@inline
function exp4(v: v128): v128 {
  const x = f32x4.min(f32x4.max(v, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const magic = f32x4.splat(12582912.0);
  const j = madd(x, f32x4.splat(1.44269504088896341), magic);
  const n = f32x4.sub(j, magic);
  let r = madd(n, f32x4.splat(-0.693359375), x);
  r = madd(n, f32x4.splat(2.12194440e-4), r);
  let p = madd(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(f32x4.mul(p, r), r, f32x4.add(r, f32x4.splat(1)));
  // 2^n: n + 127 into the exponent field (n in [-126, 127] after the clamp); j's bits hold 0x4B400000 + n.
  const pow2n = i32x4.shl(i32x4.add(i32x4.sub(j, magic), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2n);
}

// @ts-ignore: decorator
@inline
function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/** One contiguous row of `len` values. */
function softmaxRow(px: usize, po: usize, len: i32): void {
  let i = 0;
  let vm = f32x4.splat(-Infinity);
  for (; i + 4 <= len; i += 4) vm = f32x4.max(vm, v128.load(px + (<usize>i << 2)));
  let m = hmax(vm);
  for (; i < len; i++) m = max(m, load<f32>(px + (<usize>i << 2)));
  const vmax = f32x4.splat(m);
  let vs = f32x4.splat(0);
  i = 0;
  for (; i + 4 <= len; i += 4) {
    const e = exp4(f32x4.sub(v128.load(px + (<usize>i << 2)), vmax));
    v128.store(po + (<usize>i << 2), e);
    vs = f32x4.add(vs, e);
  }
  let s = hsum(vs);
  for (; i < len; i++) {
    const e = exp1(load<f32>(px + (<usize>i << 2)) - m);
    store<f32>(po + (<usize>i << 2), e);
    s += e;
  }
  const inv: f32 = 1.0 / s;
  const vinv = f32x4.splat(inv);
  i = 0;
  for (; i + 4 <= len; i += 4) v128.store(po + (<usize>i << 2), f32x4.mul(v128.load(po + (<usize>i << 2)), vinv));
  for (; i < len; i++) store<f32>(po + (<usize>i << 2), load<f32>(po + (<usize>i << 2)) * inv);
}

/** 4 rows side by side (j..j+3): lane l walks row j + l with stride `inner` floats. */
function softmaxRows4(px: usize, po: usize, len: i32, inner: i32): void {
  const st = <usize>inner << 2;
  let vm = f32x4.splat(-Infinity);
  for (let i = 0; i < len; i++) vm = f32x4.max(vm, v128.load(px + <usize>i * st));
  let vs = f32x4.splat(0);
  for (let i = 0; i < len; i++) {
    const e = exp4(f32x4.sub(v128.load(px + <usize>i * st), vm));
    v128.store(po + <usize>i * st, e);
    vs = f32x4.add(vs, e);
  }
  const vinv = f32x4.div(f32x4.splat(1), vs);
  for (let i = 0; i < len; i++) v128.store(po + <usize>i * st, f32x4.mul(v128.load(po + <usize>i * st), vinv));
}

/** One row with stride `inner` floats (the tail of a strided block). */
function softmaxRowStrided(px: usize, po: usize, len: i32, inner: i32): void {
  const st = <usize>inner << 2;
  let m: f32 = -Infinity;
  for (let i = 0; i < len; i++) m = max(m, load<f32>(px + <usize>i * st));
  let s: f32 = 0;
  for (let i = 0; i < len; i++) {
    const e = exp1(load<f32>(px + <usize>i * st) - m);
    store<f32>(po + <usize>i * st, e);
    s += e;
  }
  const inv: f32 = 1.0 / s;
  for (let i = 0; i < len; i++) store<f32>(po + <usize>i * st, load<f32>(po + <usize>i * st) * inv);
}

export function softmax_f32_simd(x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const block = <usize>len * <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const px = x + <usize>o * block;
    const po = out + <usize>o * block;
    if (inner == 1) {
      softmaxRow(px, po, len);
      continue;
    }
    let j = 0;
    for (; j + 4 <= inner; j += 4) softmaxRows4(px + (<usize>j << 2), po + (<usize>j << 2), len, inner);
    for (; j < inner; j++) softmaxRowStrided(px + (<usize>j << 2), po + (<usize>j << 2), len, inner);
  }
}
