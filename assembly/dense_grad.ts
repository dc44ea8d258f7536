// Dense backward helpers (src/ops/dense-grad/wasm.ts; also used by the recurrent and loss gradients): column
// sums (the bias gradient) and dy * act'(y) from the activation's output. The products are GEMMs (gemm.ts).
import { madd } from './simd';

/** dst[c] = sum_r src[r, c] for a row-major [rows, cols] matrix: rows streamed once, 4 columns per v128. */
export function colsum_f32(src: usize, rows: i32, cols: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>cols << 2);
  const c4 = cols & ~3;
  const rb = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const row = src + <usize>r * rb;
    let c = 0;
    for (; c + 16 <= c4; c += 16) {
      const o = <usize>c << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(row + o)));
      v128.store(dst + o + 16, f32x4.add(v128.load(dst + o + 16), v128.load(row + o + 16)));
      v128.store(dst + o + 32, f32x4.add(v128.load(dst + o + 32), v128.load(row + o + 32)));
      v128.store(dst + o + 48, f32x4.add(v128.load(dst + o + 48), v128.load(row + o + 48)));
    }
    for (; c < c4; c += 4) {
      const o = <usize>c << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(row + o)));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(row + o));
    }
  }
}

/** act'(pre) from y = act(pre), 4 lanes; codes as ACT_CODE (0 none, 1 relu, 2 relu6, 3 leakyRelu, 4 sigmoid, 5 tanh). */
// @ts-ignore: decorator
@inline
function dactOut4(y: v128, code: i32, alpha: f32): v128 {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  if (code == 1) return v128.and(f32x4.gt(y, zero), one);
  if (code == 2) return v128.and(v128.and(f32x4.gt(y, zero), f32x4.lt(y, f32x4.splat(6))), one);
  if (code == 3) return v128.bitselect(one, f32x4.splat(alpha), f32x4.ge(y, zero));
  if (code == 4) return f32x4.mul(y, f32x4.sub(one, y));
  if (code == 5) return f32x4.sub(one, f32x4.mul(y, y));
  return one;
}

// @ts-ignore: decorator
@inline
function dactOut1(y: f32, code: i32, alpha: f32): f32 {
  if (code == 1) return y > 0 ? 1 : 0;
  if (code == 2) return y > 0 && y < 6 ? 1 : 0;
  if (code == 3) return y >= 0 ? 1 : alpha;
  if (code == 4) return y * (1 - y);
  if (code == 5) return 1 - y * y;
  return 1;
}

/**
 * out = dy * act'(y) elementwise over n values; code 6 is softmax over rows of `cols`: out = y * (dy - sum(dy * y)).
 */
export function dense_grad_act_f32(y: usize, dy: usize, out: usize, n: i32, cols: i32, code: i32, alpha: f32): void {
  if (code == 6) {
    const rows = n / cols;
    for (let r = 0; r < rows; r++) {
      const o = <usize>(r * cols) << 2;
      let dot: f32 = 0;
      for (let c = 0; c < cols; c++) dot += load<f32>(y + o + (<usize>c << 2)) * load<f32>(dy + o + (<usize>c << 2));
      for (let c = 0; c < cols; c++) {
        const e = o + (<usize>c << 2);
        store<f32>(out + e, load<f32>(y + e) * (load<f32>(dy + e) - dot));
      }
    }
    return;
  }
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(dy + o), dactOut4(v128.load(y + o), code, alpha)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(dy + o) * dactOut1(load<f32>(y + o), code, alpha));
  }
}

/** dst = a + b over n values (SIMD). */
export function grad_add_f32(a: usize, b: usize, dst: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, madd(v128.load(a + o), f32x4.splat(1), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/**
 * dst [cols, rows] = src [rows, cols]^T, 4 x 4 blocks through v128 shuffles (the weight gradients' x^T: the
 * plain GEMM on a transposed copy beats the transposed-A GEMM by ~2x at these shapes).
 */
export function transpose_f32(src: usize, rows: i32, cols: i32, dst: usize): void {
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  const sb = <usize>cols << 2;
  const db = <usize>rows << 2;
  for (let r = 0; r < r4; r += 4) {
    const s0 = src + <usize>r * sb;
    for (let c = 0; c < c4; c += 4) {
      const o = <usize>c << 2;
      const a = v128.load(s0 + o);
      const b = v128.load(s0 + sb + o);
      const cc = v128.load(s0 + 2 * sb + o);
      const d = v128.load(s0 + 3 * sb + o);
      const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
      const ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
      const cd01 = v128.shuffle<f32>(cc, d, 0, 4, 1, 5);
      const cd23 = v128.shuffle<f32>(cc, d, 2, 6, 3, 7);
      const t = dst + <usize>c * db + (<usize>r << 2);
      v128.store(t, v128.shuffle<f32>(ab01, cd01, 0, 1, 4, 5));
      v128.store(t + db, v128.shuffle<f32>(ab01, cd01, 2, 3, 6, 7));
      v128.store(t + 2 * db, v128.shuffle<f32>(ab23, cd23, 0, 1, 4, 5));
      v128.store(t + 3 * db, v128.shuffle<f32>(ab23, cd23, 2, 3, 6, 7));
    }
    for (let c = c4; c < cols; c++) {
      for (let k = 0; k < 4; k++) store<f32>(dst + <usize>c * db + (<usize>(r + k) << 2), load<f32>(s0 + <usize>k * sb + (<usize>c << 2)));
    }
  }
  for (let r = r4; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + <usize>c * db + (<usize>r << 2), load<f32>(src + <usize>r * sb + (<usize>c << 2)));
  }
}
