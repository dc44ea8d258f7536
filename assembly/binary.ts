// Elementwise add/mul with broadcasting. The innermost dim runs as SIMD when both inputs are contiguous or one is
// a broadcast scalar along it (the common per-channel bias / scale case in NHWC); other layouts run scalar.
import { load4, store4 } from './simd';

// @ts-ignore: decorator
@inline
function op4(kind: i32, x: v128, y: v128): v128 {
  return kind == 0 ? f32x4.add(x, y) : f32x4.mul(x, y);
}

// @ts-ignore: decorator
@inline
function op1(kind: i32, x: f32, y: f32): f32 {
  return kind == 0 ? x + y : x * y;
}

/** kind: 0 add, 1 mul. dims/aStr/bStr: i32[rank] (element strides, 0 = broadcast). */
export function binary_f32_bcast_simd(kind: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, aStr: usize, bStr: usize): void {
  const inner = load<i32>(dims + (<usize>(rank - 1) << 2));
  const sa = load<i32>(aStr + (<usize>(rank - 1) << 2));
  const sb = load<i32>(bStr + (<usize>(rank - 1) << 2));
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= load<i32>(dims + (<usize>d << 2));
  for (let r = 0; r < rows; r++) {
    // Offsets of this row in a and b from its outer index.
    let rest = r;
    let oa = 0;
    let ob = 0;
    for (let d = rank - 2; d >= 0; d--) {
      const dim = load<i32>(dims + (<usize>d << 2));
      const i = rest % dim;
      rest /= dim;
      oa += i * load<i32>(aStr + (<usize>d << 2));
      ob += i * load<i32>(bStr + (<usize>d << 2));
    }
    const pa = a + (<usize>oa << 2);
    const pb = b + (<usize>ob << 2);
    const po = out + (<usize>(r * inner) << 2);
    let i = 0;
    if (sa == 1 && sb == 1) {
      for (; i + 4 <= inner; i += 4) {
        const k = <usize>i << 2;
        store4(po + k, op4(kind, load4(pa + k), load4(pb + k)));
      }
    } else if (sa == 1 && sb == 0) {
      const vb = f32x4.splat(load<f32>(pb));
      for (; i + 4 <= inner; i += 4) {
        const k = <usize>i << 2;
        store4(po + k, op4(kind, load4(pa + k), vb));
      }
    } else if (sa == 0 && sb == 1) {
      const va = f32x4.splat(load<f32>(pa));
      for (; i + 4 <= inner; i += 4) {
        const k = <usize>i << 2;
        store4(po + k, op4(kind, va, load4(pb + k)));
      }
    }
    for (; i < inner; i++) {
      store<f32>(po + (<usize>i << 2), op1(kind, load<f32>(pa + (<usize>(i * sa) << 2)), load<f32>(pb + (<usize>(i * sb) << 2))));
    }
  }
}
