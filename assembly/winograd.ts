// 3x3 stride-1 conv2d (NHWC, groups 1) by Winograd F(2x2, 3x3): each 2x2 output tile costs 16 multiplies per
// (cin, cout) pair instead of 36. Per block of tile rows: the input transform V = B^T d B of each 4x4 input tile
// (zero outside the image) goes to 16 matrices V_p [tiles, cin]; 16 GEMMs M_p = V_p U_p on the transformed filter
// U = G g G^T, packed as gemm_f32_2x16_simd's 16-column panels; then Y = A^T M A per tile with the conv's fused
// epilogue, clipped at odd output sizes. Every output is the same fixed sequence of operations whatever the block
// or thread split (the GEMM sums each element over cin in order), so results do not depend on the thread count.
// Channels (cin, cout) are multiples of 4 (the launcher checks).
import { epilogue4 } from './activation';
import { gemm_f32_2x16_simd } from './gemm';

const PANEL: i32 = 16;

// Params block (i32), written by src/ops/conv2d/wasm.ts.
const W_H = 0, W_W = 1, W_CIN = 2, W_OH = 3, W_OW = 4, W_COUT = 5, W_PADT = 6, W_PADL = 7, W_ACT = 8;
const W_TH = 9, W_TW = 10, W_BLOCK = 11;

// @ts-ignore: decorator
@inline
function prm(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** Floats of one transformed position's packed filter U_p: ceil(cout / 16) panels of cin x 16. */
// @ts-ignore: decorator
@inline
function posSize(cin: i32, cout: i32): i32 {
  return ((cout + PANEL - 1) / PANEL) * cin * PANEL;
}

/** Floats of the packed transformed filter (16 positions). */
export function conv2d_winograd_f2x3_packed_size(cin: i32, cout: i32): i32 {
  return 16 * posSize(cin, cout);
}

/** U = G g G^T of an HWIO [3, 3, cin, cout] filter, each of the 16 positions packed in 16-column panels. */
export function conv2d_winograd_f2x3_pack_filter(f: usize, u: usize, cin: i32, cout: i32): void {
  const ps = posSize(cin, cout);
  memory.fill(u, 0, <usize>(16 * ps) << 2);
  const tap = <usize>(cin * cout) << 2;
  for (let ci = 0; ci < cin; ci++) {
    for (let co = 0; co < cout; co++) {
      const g = f + (<usize>(ci * cout + co) << 2);
      // Gg: 4 rows x 3 columns (G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1] on the filter rows), then G^T on its
      // columns; position k = 4 * i + j.
      const dst = u + (<usize>((co / PANEL) * cin * PANEL + ci * PANEL + (co % PANEL)) << 2);
      for (let i = 0; i < 4; i++) {
        let a: f32 = 0, b: f32 = 0, c: f32 = 0;
        for (let kx = 0; kx < 3; kx++) {
          const g0 = load<f32>(g + <usize>kx * tap), g1 = load<f32>(g + <usize>(3 + kx) * tap), g2 = load<f32>(g + <usize>(6 + kx) * tap);
          const v: f32 = i == 0 ? g0 : i == 1 ? 0.5 * (g0 + g1 + g2) : i == 2 ? 0.5 * (g0 - g1 + g2) : g2;
          if (kx == 0) a = v;
          else if (kx == 1) b = v;
          else c = v;
        }
        const row = dst + (<usize>(4 * i * ps) << 2);
        store<f32>(row, a);
        store<f32>(row + (<usize>ps << 2), 0.5 * (a + b + c));
        store<f32>(row + (<usize>(2 * ps) << 2), 0.5 * (a - b + c));
        store<f32>(row + (<usize>(3 * ps) << 2), c);
      }
    }
  }
}

/**
 * The conv over global tile rows r0..r1 (row r: image r / th, tile row r % th), in blocks of W_BLOCK tile rows.
 * scratch: V (16 x block tiles x cin) then M (16 x block tiles x cout) floats; zero: cin zero floats (the taps
 * outside the image). Epilogue as conv2d's dense kernels: act((((conv + bias) * scale) + shift) + residual).
 */
export function conv2d_winograd_f2x3_simd(
  x: usize, u: usize, out: usize, p: usize, bias: usize, scale: usize, shift: usize, prelu: usize, alpha: f32,
  res: usize, r0: i32, r1: i32, scratch: usize, zero: usize,
): void {
  const h = prm(p, W_H), w = prm(p, W_W), cin = prm(p, W_CIN), oh = prm(p, W_OH), ow = prm(p, W_OW);
  const cout = prm(p, W_COUT), padT = prm(p, W_PADT), padL = prm(p, W_PADL), act = prm(p, W_ACT);
  const th = prm(p, W_TH), tw = prm(p, W_TW), block = prm(p, W_BLOCK);
  const ps = <usize>posSize(cin, cout) << 2;
  const cib = <usize>cin << 2, cob = <usize>cout << 2;
  const va = f32x4.splat(alpha);
  for (let rb = r0; rb < r1; rb += block) {
    const re = min(r1, rb + block);
    const tiles = (re - rb) * tw;
    const vBase = scratch;
    const mBase = scratch + <usize>(16 * tiles) * cib;
    const vps = <usize>tiles * cib; // bytes between positions in V
    const mps = <usize>tiles * cob;
    // Input transform.
    let t = 0;
    for (let r = rb; r < re; r++) {
      const img = r / th, ty = r % th;
      const iy0 = 2 * ty - padT;
      for (let tx = 0; tx < tw; tx++) {
        const ix0 = 2 * tx - padL;
        // Tap pointers, the zero row for taps outside the image.
        const rb0 = x + <usize>((img * h + iy0) * w) * cib;
        const rs = <usize>w * cib;
        const r0k = iy0 >= 0 && iy0 < h, r1k = iy0 + 1 >= 0 && iy0 + 1 < h;
        const r2k = iy0 + 2 >= 0 && iy0 + 2 < h, r3k = iy0 + 3 >= 0 && iy0 + 3 < h;
        const c0k = ix0 >= 0 && ix0 < w, c1k = ix0 + 1 >= 0 && ix0 + 1 < w;
        const c2k = ix0 + 2 >= 0 && ix0 + 2 < w, c3k = ix0 + 3 >= 0 && ix0 + 3 < w;
        const b0 = rb0 + <usize>ix0 * cib;
        const v = vBase + <usize>t * cib;
        input_column(tap(r0k && c0k, b0, zero), tap(r1k && c0k, b0 + rs, zero), tap(r2k && c0k, b0 + 2 * rs, zero), tap(r3k && c0k, b0 + 3 * rs, zero), v, vps, cib);
        const b1 = b0 + cib;
        input_column(tap(r0k && c1k, b1, zero), tap(r1k && c1k, b1 + rs, zero), tap(r2k && c1k, b1 + 2 * rs, zero), tap(r3k && c1k, b1 + 3 * rs, zero), v + vps, vps, cib);
        const b2 = b1 + cib;
        input_column(tap(r0k && c2k, b2, zero), tap(r1k && c2k, b2 + rs, zero), tap(r2k && c2k, b2 + 2 * rs, zero), tap(r3k && c2k, b2 + 3 * rs, zero), v + 2 * vps, vps, cib);
        const b3 = b2 + cib;
        input_column(tap(r0k && c3k, b3, zero), tap(r1k && c3k, b3 + rs, zero), tap(r2k && c3k, b3 + 2 * rs, zero), tap(r3k && c3k, b3 + 3 * rs, zero), v + 3 * vps, vps, cib);
        input_rows(v, vps, cib);
        t++;
      }
    }
    // 16 GEMMs [tiles, cin] x [cin, cout].
    for (let k = 0; k < 16; k++) {
      gemm_f32_2x16_simd(vBase + <usize>k * vps, u + <usize>k * ps, mBase + <usize>k * mps, tiles, cout, cin, 0, 0, 0, 0);
    }
    // Output transform + epilogue.
    t = 0;
    for (let r = rb; r < re; r++) {
      const img = r / th, ty = r % th;
      const oy = 2 * ty;
      const rows = min(2, oh - oy);
      for (let tx = 0; tx < tw; tx++) {
        const ox = 2 * tx;
        const cols = min(2, ow - ox);
        const o00 = out + <usize>((img * oh + oy) * ow + ox) * cob;
        const mt = mBase + <usize>t * cob;
        for (let c: usize = 0; c < cob; c += 16) {
          const m = mt + c;
          // A^T M A, A^T = [1 1 1 0; 0 1 -1 -1] (M_ij at position 4 * i + j).
          const s00 = f32x4.add(f32x4.add(v128.load(m), v128.load(m + mps)), v128.load(m + 2 * mps));
          const s01 = f32x4.add(f32x4.add(v128.load(m + 4 * mps), v128.load(m + 5 * mps)), v128.load(m + 6 * mps));
          const s02 = f32x4.add(f32x4.add(v128.load(m + 8 * mps), v128.load(m + 9 * mps)), v128.load(m + 10 * mps));
          const s03 = f32x4.add(f32x4.add(v128.load(m + 12 * mps), v128.load(m + 13 * mps)), v128.load(m + 14 * mps));
          const s10 = f32x4.sub(f32x4.sub(v128.load(m + mps), v128.load(m + 2 * mps)), v128.load(m + 3 * mps));
          const s11 = f32x4.sub(f32x4.sub(v128.load(m + 5 * mps), v128.load(m + 6 * mps)), v128.load(m + 7 * mps));
          const s12 = f32x4.sub(f32x4.sub(v128.load(m + 9 * mps), v128.load(m + 10 * mps)), v128.load(m + 11 * mps));
          const s13 = f32x4.sub(f32x4.sub(v128.load(m + 13 * mps), v128.load(m + 14 * mps)), v128.load(m + 15 * mps));
          // s0i / s1i: row i of M combined along j for output column 0 / 1; then along i for output rows 0 / 1.
          const y00 = f32x4.add(f32x4.add(s00, s01), s02);
          const y10 = f32x4.sub(f32x4.sub(s01, s02), s03);
          const y01 = f32x4.add(f32x4.add(s10, s11), s12);
          const y11 = f32x4.sub(f32x4.sub(s11, s12), s13);
          store_epi(o00 + c, y00, c, bias, scale, shift, prelu, act, va, res, out);
          if (cols > 1) store_epi(o00 + cob + c, y01, c, bias, scale, shift, prelu, act, va, res, out);
          if (rows > 1) {
            const o10 = o00 + <usize>ow * cob;
            store_epi(o10 + c, y10, c, bias, scale, shift, prelu, act, va, res, out);
            if (cols > 1) store_epi(o10 + cob + c, y11, c, bias, scale, shift, prelu, act, va, res, out);
          }
        }
        t++;
      }
    }
  }
}

/** A tap's pointer, or the zero row when it lies outside the image (its address may wrap: never read then). */
// @ts-ignore: decorator
@inline
function tap(ok: bool, p: usize, zero: usize): usize {
  return ok ? p : zero;
}

/**
 * B^T over the rows of one tile column (taps d0..d3, all channels), B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]:
 * e_i0..e_i3 go to V positions 4 * i + j (v: position j of this column), transformed along columns by input_rows.
 */
function input_column(d0p: usize, d1p: usize, d2p: usize, d3p: usize, v: usize, vps: usize, cib: usize): void {
  for (let c: usize = 0; c < cib; c += 16) {
    const d0 = v128.load(d0p + c), d1 = v128.load(d1p + c), d2 = v128.load(d2p + c), d3 = v128.load(d3p + c);
    const o = v + c;
    v128.store(o, f32x4.sub(d0, d2));
    v128.store(o + 4 * vps, f32x4.add(d1, d2));
    v128.store(o + 8 * vps, f32x4.sub(d2, d1));
    v128.store(o + 12 * vps, f32x4.sub(d1, d3));
  }
}

/** B^T along the columns: each row i's positions 4 * i .. 4 * i + 3 in place. */
function input_rows(v: usize, vps: usize, cib: usize): void {
  for (let i = 0; i < 4; i++) {
    const r = v + <usize>(4 * i) * vps;
    for (let c: usize = 0; c < cib; c += 16) {
      const o = r + c;
      const e0 = v128.load(o), e1 = v128.load(o + vps), e2 = v128.load(o + 2 * vps), e3 = v128.load(o + 3 * vps);
      v128.store(o, f32x4.sub(e0, e2));
      v128.store(o + vps, f32x4.add(e1, e2));
      v128.store(o + 2 * vps, f32x4.sub(e2, e1));
      v128.store(o + 3 * vps, f32x4.sub(e1, e3));
    }
  }
}

/** Stores 4 channels (byte offset k) of the output at o through the epilogue (residual at the same offset). */
// @ts-ignore: decorator
@inline
function store_epi(o: usize, v0: v128, k: usize, bias: usize, scale: usize, shift: usize, prelu: usize, act: i32, va: v128, res: usize, out: usize): void {
  v128.store(o, epilogue4(v0, k, bias, scale, shift, res ? res + (o - out) : 0, act, prelu, va));
}
