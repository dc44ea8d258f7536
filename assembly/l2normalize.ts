// L2 normalisation along one axis: x / sqrt(max(sum(x^2), epsilon)). Rows as in softmax.ts: SIMD along a
// contiguous row (last axis) or across 4 neighbouring strided rows (other axes).
import { madd } from './simd';

function l2Row(px: usize, po: usize, len: i32, eps: f32): void {
  let v0 = f32x4.splat(0);
  let v1 = f32x4.splat(0);
  let i = 0;
  // Two accumulators: the adds of one row overlap instead of chaining.
  for (; i + 8 <= len; i += 8) {
    const a = v128.load(px + (<usize>i << 2));
    const b = v128.load(px + (<usize>i << 2), 16);
    v0 = madd(a, a, v0);
    v1 = madd(b, b, v1);
  }
  for (; i + 4 <= len; i += 4) {
    const a = v128.load(px + (<usize>i << 2));
    v0 = madd(a, a, v0);
  }
  v0 = f32x4.add(v0, v1);
  let ss = f32x4.extract_lane(v0, 0) + f32x4.extract_lane(v0, 1) + (f32x4.extract_lane(v0, 2) + f32x4.extract_lane(v0, 3));
  for (; i < len; i++) {
    const a = load<f32>(px + (<usize>i << 2));
    ss += a * a;
  }
  const scale: f32 = 1.0 / Mathf.sqrt(max(ss, eps));
  const vs = f32x4.splat(scale);
  i = 0;
  for (; i + 4 <= len; i += 4) v128.store(po + (<usize>i << 2), f32x4.mul(v128.load(px + (<usize>i << 2)), vs));
  for (; i < len; i++) store<f32>(po + (<usize>i << 2), load<f32>(px + (<usize>i << 2)) * scale);
}

function l2Rows4(px: usize, po: usize, len: i32, inner: i32, eps: f32): void {
  const st = <usize>inner << 2;
  let ss = f32x4.splat(0);
  for (let i = 0; i < len; i++) {
    const a = v128.load(px + <usize>i * st);
    ss = madd(a, a, ss);
  }
  const vs = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.max(ss, f32x4.splat(eps))));
  for (let i = 0; i < len; i++) v128.store(po + <usize>i * st, f32x4.mul(v128.load(px + <usize>i * st), vs));
}

function l2RowStrided(px: usize, po: usize, len: i32, inner: i32, eps: f32): void {
  const st = <usize>inner << 2;
  let ss: f32 = 0;
  for (let i = 0; i < len; i++) {
    const a = load<f32>(px + <usize>i * st);
    ss += a * a;
  }
  const scale: f32 = 1.0 / Mathf.sqrt(max(ss, eps));
  for (let i = 0; i < len; i++) store<f32>(po + <usize>i * st, load<f32>(px + <usize>i * st) * scale);
}

export function l2normalize_f32_simd(x: usize, out: usize, outer: i32, len: i32, inner: i32, eps: f32): void {
  const block = <usize>len * <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const px = x + <usize>o * block;
    const po = out + <usize>o * block;
    if (inner == 1) {
      l2Row(px, po, len, eps);
      continue;
    }
    let j = 0;
    for (; j + 4 <= inner; j += 4) l2Rows4(px + (<usize>j << 2), po + (<usize>j << 2), len, inner, eps);
    for (; j < inner; j++) l2RowStrided(px + (<usize>j << 2), po + (<usize>j << 2), len, inner, eps);
  }
}
