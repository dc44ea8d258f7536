// GEMM C[m, n] = act(A[m, k] @ B[k, n] + bias) with the fused activation epilogue.
//
// m >= 4: B is packed into panels of 16 columns (k rows of 16 contiguous floats, zero padded past n), which also
// absorbs transposeB; gemm_f32_2x16_simd then keeps a 2 x 16 block of C in 8 v128 accumulators per panel and
// row pair (a 4 x 16 block's 16 accumulators exceed V8's 15 SIMD registers and spill), A values broadcast by
// splat loads. A transposed ([k, m]): gemm_f32_2x16_ta_simd, the same with A rows adjacent, no packing needed.
// Small m (matrix-vector, batch-1 dense): packing would cost as much as the product, so B is read in place:
// gemm_f32_1x16_simd for B [k, n] and gemm_f32_nt_dot_simd (dot products along k) for B stored [n, k].
import { activate, activate4 } from './activation';
import { madd } from './simd';

const PANEL: i32 = 16;

// @ts-ignore: decorator
@inline
function epi4(v: v128, col: i32, bias: usize, act: i32, alpha: v128, prelu: usize): v128 {
  const o = <usize>col << 2;
  if (bias) v = f32x4.add(v, v128.load(bias + o));
  return activate4(v, act, prelu ? v128.load(prelu + o) : alpha);
}

// @ts-ignore: decorator
@inline
function epi1(v: f32, col: i32, bias: usize, act: i32, alpha: f32, prelu: usize): f32 {
  const o = <usize>col << 2;
  if (bias) v += load<f32>(bias + o);
  return activate(v, act, prelu ? load<f32>(prelu + o) : alpha);
}

/** Stores 4 lanes of `v` at columns col..col+3 of row `c`, only those below `cols` (the last panel's edge). */
// @ts-ignore: decorator
@inline
function store4Cols(c: usize, v: v128, col: i32, cols: i32, bias: usize, act: i32, alpha: f32, va: v128, prelu: usize): void {
  if (col + 4 <= cols) {
    v128.store(c + (<usize>col << 2), epi4(v, col, bias, act, va, prelu));
    return;
  }
  if (col >= cols) return;
  store<f32>(c + (<usize>col << 2), epi1(f32x4.extract_lane(v, 0), col, bias, act, alpha, prelu));
  if (col + 1 < cols) store<f32>(c + (<usize>(col + 1) << 2), epi1(f32x4.extract_lane(v, 1), col + 1, bias, act, alpha, prelu));
  if (col + 2 < cols) store<f32>(c + (<usize>(col + 2) << 2), epi1(f32x4.extract_lane(v, 2), col + 2, bias, act, alpha, prelu));
}

// @ts-ignore: decorator
@inline
function storeRow16(r: usize, v0: v128, v1: v128, v2: v128, v3: v128, cols: i32, bias: usize, act: i32, alpha: f32, va: v128, prelu: usize): void {
  store4Cols(r, v0, 0, cols, bias, act, alpha, va, prelu);
  store4Cols(r, v1, 4, cols, bias, act, alpha, va, prelu);
  store4Cols(r, v2, 8, cols, bias, act, alpha, va, prelu);
  store4Cols(r, v3, 12, cols, bias, act, alpha, va, prelu);
}

/**
 * Packs B into ceil(n / 16) panels of k x 16 floats, zero padded. `transposed`: B is stored [n, k].
 */
export function gemm_f32_pack_b_x16(b: usize, k: i32, n: i32, transposed: i32, out: usize): void {
  const panels = (n + PANEL - 1) / PANEL;
  let dst = out;
  for (let q = 0; q < panels; q++) {
    const j0 = q * PANEL;
    const w = min(PANEL, n - j0);
    if (!transposed) {
      let src = b + (<usize>j0 << 2);
      const rowBytes = <usize>n << 2;
      for (let p = 0; p < k; p++) {
        if (w == PANEL) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          v128.store(dst, v128.load(src, 32), 32);
          v128.store(dst, v128.load(src, 48), 48);
        } else {
          for (let j = 0; j < PANEL; j++) store<f32>(dst + (<usize>j << 2), j < w ? load<f32>(src + (<usize>j << 2)) : 0);
        }
        src += rowBytes;
        dst += 64;
      }
    } else {
      // Panel column j is B row j0 + j: read each B row once (contiguous), write it down the panel.
      for (let j = 0; j < PANEL; j++) {
        const col = dst + (<usize>j << 2);
        if (j < w) {
          const src = b + (<usize>(j0 + j) * <usize>k << 2);
          for (let p = 0; p < k; p++) store<f32>(col + (<usize>p << 6), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < k; p++) store<f32>(col + (<usize>p << 6), 0);
        }
      }
      dst += <usize>k << 6;
    }
  }
}

/** Edge kernel: rows i0..m-1 of one panel, one row at a time (A element (i, p) at a + i*rs + p*ks bytes). */
function gemm_f32_1x16_packed(
  a: usize, rs: usize, ks: usize, pb0: usize, c: usize, i0: i32, m: i32, n: i32, k: i32, j0: i32,
  bias: usize, act: i32, alpha: f32, prelu: usize,
): void {
  const va = f32x4.splat(alpha);
  const cols = min(PANEL, n - j0);
  for (let i = i0; i < m; i++) {
    let a0 = a + <usize>i * rs;
    let pb = pb0;
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    for (let p = 0; p < k; p++) {
      const x = v128.load32_splat(a0);
      c0 = madd(x, v128.load(pb), c0);
      c1 = madd(x, v128.load(pb, 16), c1);
      c2 = madd(x, v128.load(pb, 32), c2);
      c3 = madd(x, v128.load(pb, 48), c3);
      pb += 64;
      a0 += ks;
    }
    storeRow16(c + (<usize>(i * n + j0) << 2), c0, c1, c2, c3, cols, bias, act, alpha, va, prelu);
  }
}

/**
 * C = act(A @ Bpacked + bias), A [m, k] row-major. bias / prelu: n floats or 0 (prelu: per-column slope).
 * A 2 x 16 tile, A broadcast by splat loads: 8 accumulators + 4 B + 1 A = 13 v128 live. V8 has at most 15 SIMD
 * registers: 4 x 16 (16 accumulators) spills, and so does holding 2 A rows' v128 for lane shuffles (512^3, one
 * thread, relaxed: 4x16 26.6, 2x16 shuffled 18.9, 4x8 shuffled 11.3, this 29.1 GMAC/s).
 * Every C element is one sequential sum over k whatever the tile, so any row split gives bit-identical results.
 */
export function gemm_f32_2x16_simd(
  a: usize, bp: usize, c: usize, m: i32, n: i32, k: i32,
  bias: usize, act: i32, alpha: f32, prelu: usize,
): void {
  const panels = (n + PANEL - 1) / PANEL;
  const va = f32x4.splat(alpha);
  const ldc = <usize>n << 2;
  const rs = <usize>k << 2;
  const m2 = m & ~1;
  for (let q = 0; q < panels; q++) {
    const j0 = q * PANEL;
    const cols = min(PANEL, n - j0);
    const pb0 = bp + <usize>q * (<usize>k << 6);
    const biasQ = bias ? bias + (<usize>j0 << 2) : 0;
    const preluQ = prelu ? prelu + (<usize>j0 << 2) : 0;
    for (let i = 0; i < m2; i += 2) {
      let a0 = a + <usize>i * rs;
      let pb = pb0;
      let c00 = zero(), c01 = zero(), c02 = zero(), c03 = zero();
      let c10 = zero(), c11 = zero(), c12 = zero(), c13 = zero();
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb, 0);
        const b1 = v128.load(pb, 16);
        const b2 = v128.load(pb, 32);
        const b3 = v128.load(pb, 48);
        let x = v128.load32_splat(a0);
        c00 = madd(x, b0, c00); c01 = madd(x, b1, c01); c02 = madd(x, b2, c02); c03 = madd(x, b3, c03);
        x = v128.load32_splat(a0 + rs);
        c10 = madd(x, b0, c10); c11 = madd(x, b1, c11); c12 = madd(x, b2, c12); c13 = madd(x, b3, c13);
        pb += 64;
        a0 += 4;
      }
      const r0 = c + <usize>i * ldc + (<usize>j0 << 2);
      storeRow16(r0, c00, c01, c02, c03, cols, biasQ, act, alpha, va, preluQ);
      storeRow16(r0 + ldc, c10, c11, c12, c13, cols, biasQ, act, alpha, va, preluQ);
    }
    gemm_f32_1x16_packed(a, rs, 4, pb0, c, m2, m, n, k, j0, biasQ, act, alpha, preluQ);
  }
}

/** As gemm_f32_2x16_simd with A stored transposed, [k, m]: the 2 rows' values of one k step are adjacent. */
export function gemm_f32_2x16_ta_simd(
  a: usize, bp: usize, c: usize, m: i32, n: i32, k: i32,
  bias: usize, act: i32, alpha: f32, prelu: usize,
): void {
  const panels = (n + PANEL - 1) / PANEL;
  const va = f32x4.splat(alpha);
  const ldc = <usize>n << 2;
  const ks = <usize>m << 2;
  const m2 = m & ~1;
  for (let q = 0; q < panels; q++) {
    const j0 = q * PANEL;
    const cols = min(PANEL, n - j0);
    const pb0 = bp + <usize>q * (<usize>k << 6);
    const biasQ = bias ? bias + (<usize>j0 << 2) : 0;
    const preluQ = prelu ? prelu + (<usize>j0 << 2) : 0;
    for (let i = 0; i < m2; i += 2) {
      let a0 = a + (<usize>i << 2);
      let pb = pb0;
      let c00 = zero(), c01 = zero(), c02 = zero(), c03 = zero();
      let c10 = zero(), c11 = zero(), c12 = zero(), c13 = zero();
      let b0: v128, b1: v128, b2: v128, b3: v128, x: v128;
      for (let p = 0; p < k; p++) {
        b0 = v128.load(pb, 0);
        b1 = v128.load(pb, 16);
        b2 = v128.load(pb, 32);
        b3 = v128.load(pb, 48);
        x = v128.load32_splat(a0);
        c00 = madd(x, b0, c00); c01 = madd(x, b1, c01); c02 = madd(x, b2, c02); c03 = madd(x, b3, c03);
        x = v128.load32_splat(a0, 4);
        c10 = madd(x, b0, c10); c11 = madd(x, b1, c11); c12 = madd(x, b2, c12); c13 = madd(x, b3, c13);
        pb += 64;
        a0 += ks;
      }
      const r0 = c + <usize>i * ldc + (<usize>j0 << 2);
      storeRow16(r0, c00, c01, c02, c03, cols, biasQ, act, alpha, va, preluQ);
      storeRow16(r0 + ldc, c10, c11, c12, c13, cols, biasQ, act, alpha, va, preluQ);
    }
    gemm_f32_1x16_packed(a, 4, ks, pb0, c, m2, m, n, k, j0, biasQ, act, alpha, preluQ);
  }
}

// @ts-ignore: decorator
@inline
function zero(): v128 {
  return f32x4.splat(0);
}

/**
 * Small-m GEMM on B [k, n] in place (no packing): one row at a time, 16 columns (4 accumulators) per pass over k,
 * then 4-column and scalar tails. A row i at a + i*ars, k stride aks (bytes).
 */
export function gemm_f32_1x16_simd(
  a: usize, ars: i32, aks: i32, b: usize, c: usize, m: i32, n: i32, k: i32,
  bias: usize, act: i32, alpha: f32, prelu: usize,
): void {
  const va = f32x4.splat(alpha);
  const ldb = <usize>n << 2;
  const ks = <usize>aks;
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * <usize>ars;
    const ci = c + <usize>i * ldb;
    let j = 0;
    for (; j + 16 <= n; j += 16) {
      let pa = ai;
      let pb = b + (<usize>j << 2);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        const x = v128.load32_splat(pa);
        c0 = madd(x, v128.load(pb), c0);
        c1 = madd(x, v128.load(pb, 16), c1);
        c2 = madd(x, v128.load(pb, 32), c2);
        c3 = madd(x, v128.load(pb, 48), c3);
        pa += ks;
        pb += ldb;
      }
      storeRow16(ci + (<usize>j << 2), c0, c1, c2, c3, 16, bias ? bias + (<usize>j << 2) : 0, act, alpha, va, prelu ? prelu + (<usize>j << 2) : 0);
    }
    for (; j + 4 <= n; j += 4) {
      let pa = ai;
      let pb = b + (<usize>j << 2);
      let c0 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        c0 = madd(v128.load32_splat(pa), v128.load(pb), c0);
        pa += ks;
        pb += ldb;
      }
      v128.store(ci + (<usize>j << 2), epi4(c0, j, bias, act, va, prelu));
    }
    for (; j < n; j++) {
      let pa = ai;
      let pb = b + (<usize>j << 2);
      let s: f32 = 0;
      for (let p = 0; p < k; p++) {
        s += load<f32>(pa) * load<f32>(pb);
        pa += ks;
        pb += ldb;
      }
      store<f32>(ci + (<usize>j << 2), epi1(s, j, bias, act, alpha, prelu));
    }
  }
}

/**
 * Small-m GEMM on a transposed B [n, k]: each output is a dot product of an A row and a B row, both contiguous
 * along k (A not transposed, or m == 1): 8 lanes of partial sums along k, then a horizontal add.
 */
export function gemm_f32_nt_dot_simd(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32,
  bias: usize, act: i32, alpha: f32, prelu: usize,
): void {
  for (let i = 0; i < m; i++) {
    const ai = a + (<usize>i * <usize>k << 2);
    for (let j = 0; j < n; j++) {
      const bj = b + (<usize>j * <usize>k << 2);
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let p = 0;
      for (; p + 8 <= k; p += 8) {
        const o = <usize>p << 2;
        s0 = madd(v128.load(ai + o), v128.load(bj + o), s0);
        s1 = madd(v128.load(ai + o, 16), v128.load(bj + o, 16), s1);
      }
      s0 = f32x4.add(s0, s1);
      let s = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
      for (; p < k; p++) s += load<f32>(ai + (<usize>p << 2)) * load<f32>(bj + (<usize>p << 2));
      store<f32>(c + (<usize>(i * n + j) << 2), epi1(s, j, bias, act, alpha, prelu));
    }
  }
}
