// conv2d kernels, NHWC input, HWIO filter. The dense kernels read the filter packed per group into blocks of 8
// output channels ([group][block][kh][kw][cin/groups][8], the last block 4 wide, zero-padded): the inner loop then
// streams it contiguously. Output rows are computed as 4-pixel x 8-channel register tiles (8 f32x4 accumulators,
// x broadcast with load32_splat, `madd`); pixels whose window crosses the padding run a 1-pixel kernel over
// their precomputed valid tap range, so no inner loop branches on padding. Bias, folded batch-norm and the
// activation are applied to the accumulators as tiles store them (depthwise: a second pass over each row).
import { madd } from './simd';
import { activate, activate4, epilogue4 } from './activation';

// Params block (i32), written by src/ops/conv2d/wasm.ts.
const P_N = 0, P_H = 1, P_W = 2, P_CIN = 3, P_OH = 4, P_OW = 5, P_COUT = 6, P_KH = 7, P_KW = 8;
const P_SH = 9, P_SW = 10, P_DH = 11, P_DW = 12, P_PADT = 13, P_PADL = 14, P_GROUPS = 15, P_CING = 16;
const P_COUTG = 17, P_ACT = 18;
// The fused max pool (conv2d_maxpool_f32_nhwc_4x8_simd only): window, stride, pads, pooled size.
const P_PKH = 19, P_PKW = 20, P_PSH = 21, P_PSW = 22, P_PPADT = 23, P_PPADL = 24, P_POH = 25, P_POW = 26;
// The residual input's pointer (0: none), added before the activation: dense kernels, and depthwise.
const P_RES = 27;
// Depthwise only: read relu(x) (conv2d's inputRelu); its residual pointer.
const P_DW_INRELU = 19, P_DW_RES = 20;

/**
 * An x load, through relu when `relu` (a literal at every inlined call site, so no branch remains). pmax (x < 0 ?
 * 0 : x) is one maxps, f32x4.max about eight instructions (NaN and signed-zero fix-ups); they differ only in
 * keeping -0, and a -0 tap's product added to an accumulator that starts at +0 gives the same bits as +0's.
 */
// @ts-ignore: decorator
@inline
function lx(p: usize, relu: bool): v128 {
  return relu ? f32x4.pmax(v128.load(p), f32x4.splat(0)) : v128.load(p);
}
// @ts-ignore: decorator
@inline
function lx1(p: usize, relu: bool): f32 {
  return relu ? max(load<f32>(p), 0) : load<f32>(p);
}

// @ts-ignore: decorator
@inline
function prm(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// The fused epilogue of the dense kernels, set per call by conv_rows (wasm globals: per thread in the threaded
// build): tiles apply it in registers as they store, so no second pass re-reads the output.
let eBias: usize = 0, eScale: usize = 0, eShift: usize = 0, ePrelu: usize = 0, eAct: i32 = 0, eAlpha: f32 = 0;
let eOn = false;
/** residual - out (wrapping): the residual of the output at address q is at q + eRes. */
let eRes: usize = 0, eHasRes = false;

/** The epilogue on 4 channels at byte offset k of the per-channel extras. */
// @ts-ignore: decorator
@inline
function epi4(v0: v128, k: usize, q: usize): v128 {
  return epilogue4(v0, k, eBias, eScale, eShift, eHasRes ? q + eRes : 0, eAct, ePrelu, f32x4.splat(eAlpha));
}

/** Stores 4 channels (n valid, from channel byte offset k) through the epilogue; partial blocks go scalar. */
// @ts-ignore: decorator
@inline
function store4e(p: usize, v: v128, n: i32, k: usize): void {
  if (!eOn) {
    storeN(p, v, n);
  } else if (n >= 4) {
    v128.store(p, epi4(v, k, p));
  } else {
    storeN(p, v, n);
    conv_epilogue(p, 1, n, eBias ? eBias + k : 0, eScale ? eScale + k : 0, eShift ? eShift + k : 0, ePrelu ? ePrelu + k : 0, eAct, eAlpha, eHasRes ? p + eRes : 0);
  }
}

// Epilogue modes of the 4x8 tile's stores, fixed per call (conv2d_f32_nhwc_4x8_simd) and a literal in each
// inlined copy of conv_rows, so full tiles of the common cases (the pointwise convs' bias + residual, conv0's bias
// + relu) store without testing the epilogue globals per vector. Same operations in the same order as epi4.
const EPI_GENERAL = 0, EPI_NONE = 1, EPI_BIAS = 2, EPI_BIAS_RES = 3, EPI_BIAS_RELU = 4, EPI_BIAS_LEAKY = 5;

/** As store8, through the epilogue (channel byte offset k). */
// @ts-ignore: decorator
@inline
function store8e(p: usize, a: v128, b: v128, n: i32, k: usize, mode: i32): void {
  if (mode != EPI_GENERAL && n >= 8) {
    let va = a, vb = b;
    if (mode != EPI_NONE) {
      va = f32x4.add(va, v128.load(eBias + k));
      vb = f32x4.add(vb, v128.load(eBias + k, 16));
    }
    if (mode == EPI_BIAS_RES) {
      va = f32x4.add(va, v128.load(p + eRes));
      vb = f32x4.add(vb, v128.load(p + eRes, 16));
    }
    if (mode == EPI_BIAS_RELU) {
      va = f32x4.max(va, f32x4.splat(0));
      vb = f32x4.max(vb, f32x4.splat(0));
    }
    if (mode == EPI_BIAS_LEAKY) {
      // activate4's leaky relu v >= 0 ? v : a * v as one pmax (v < a * v ? a * v : v): the same value for a slope
      // a in [0, 1] (the caller checks), -0 and NaN included (a NaN's payload aside).
      const sl = f32x4.splat(eAlpha);
      va = f32x4.pmax(va, f32x4.mul(va, sl));
      vb = f32x4.pmax(vb, f32x4.mul(vb, sl));
    }
    v128.store(p, va);
    v128.store(p, vb, 16);
    return;
  }
  if (eOn && n >= 8) {
    v128.store(p, epi4(a, k, p));
    v128.store(p, epi4(b, k + 16, p + 16), 16);
    return;
  }
  store4e(p, a, min(n, 4), k);
  if (n > 4) store4e(p + 16, b, n - 4, k + 16);
}

/** Stores the first n lanes (n >= 1) of v at p. */
// @ts-ignore: decorator
@inline
function storeN(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** First tap index k in [0, kn) with 0 <= i0 + k*d, and one past the last with i0 + k*d < size. */
// @ts-ignore: decorator
@inline
function tapLo(i0: i32, d: i32): i32 {
  return i0 >= 0 ? 0 : (d - 1 - i0) / d;
}
// @ts-ignore: decorator
@inline
function tapHi(i0: i32, d: i32, kn: i32, size: i32): i32 {
  return size - 1 - i0 < 0 ? 0 : min(kn, (size - 1 - i0) / d + 1);
}

/**
 * 4 output pixels (x pixel stride xps bytes) x 8 channels; all kw taps valid, nky rows. xp/wp at the first
 * valid row; xrs/xcs: bytes between tap rows/columns in x; wrs: bytes between tap rows in the packed filter.
 */
// @ts-ignore: decorator
@inline
function conv_4x8(xp: usize, xps: usize, xrs: usize, xcs: usize, nky: i32, kw: i32, cinG: i32, wp: usize, wrs: usize, op: usize, ops: usize, n: i32, k: usize, mode: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const cb = <usize>cinG << 2;
  for (let ky = 0; ky < nky; ky++) {
    let xk = xp + <usize>ky * xrs;
    let wk = wp + <usize>ky * wrs;
    for (let kx = 0; kx < kw; kx++) {
      const x0 = xk, x1 = xk + xps, x2 = x1 + xps, x3 = x2 + xps;
      for (let i: usize = 0; i < cb; i += 4) {
        const w0 = v128.load(wk), w1 = v128.load(wk, 16);
        wk += 32;
        let v = v128.load32_splat(x0 + i);
        c00 = madd(v, w0, c00);
        c01 = madd(v, w1, c01);
        v = v128.load32_splat(x1 + i);
        c10 = madd(v, w0, c10);
        c11 = madd(v, w1, c11);
        v = v128.load32_splat(x2 + i);
        c20 = madd(v, w0, c20);
        c21 = madd(v, w1, c21);
        v = v128.load32_splat(x3 + i);
        c30 = madd(v, w0, c30);
        c31 = madd(v, w1, c31);
      }
      xk += xcs;
    }
  }
  store8e(op, c00, c01, n, k, mode);
  store8e(op + ops, c10, c11, n, k, mode);
  store8e(op + 2 * ops, c20, c21, n, k, mode);
  store8e(op + 3 * ops, c30, c31, n, k, mode);
}

/** As conv_4x8 for the last 4-wide channel block. */
function conv_4x4(xp: usize, xps: usize, xrs: usize, xcs: usize, nky: i32, kw: i32, cinG: i32, wp: usize, wrs: usize, op: usize, ops: usize, n: i32, k: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const cb = <usize>cinG << 2;
  for (let ky = 0; ky < nky; ky++) {
    let xk = xp + <usize>ky * xrs;
    let wk = wp + <usize>ky * wrs;
    for (let kx = 0; kx < kw; kx++) {
      const x0 = xk, x1 = xk + xps, x2 = x1 + xps, x3 = x2 + xps;
      for (let i: usize = 0; i < cb; i += 4) {
        const w0 = v128.load(wk);
        wk += 16;
        c0 = madd(v128.load32_splat(x0 + i), w0, c0);
        c1 = madd(v128.load32_splat(x1 + i), w0, c1);
        c2 = madd(v128.load32_splat(x2 + i), w0, c2);
        c3 = madd(v128.load32_splat(x3 + i), w0, c3);
      }
      xk += xcs;
    }
  }
  store4e(op, c0, n, k);
  store4e(op + ops, c1, n, k);
  store4e(op + 2 * ops, c2, n, k);
  store4e(op + 3 * ops, c3, n, k);
}

/** One output pixel whose window meets the padding: nky x nkx valid taps, xp/wp at the first valid one. */
function conv_1x8(xp: usize, xrs: usize, xcs: usize, nky: i32, nkx: i32, cinG: i32, wp: usize, wrs: usize, op: usize, n: i32, k: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  const cb = <usize>cinG << 2;
  for (let ky = 0; ky < nky; ky++) {
    let xk = xp + <usize>ky * xrs;
    let wk = wp + <usize>ky * wrs;
    for (let kx = 0; kx < nkx; kx++) {
      let i: usize = 0;
      // Two channels per step into two accumulator pairs: independent madd chains.
      for (; i + 8 <= cb; i += 8) {
        let v = v128.load32_splat(xk + i);
        c0 = madd(v, v128.load(wk), c0);
        c1 = madd(v, v128.load(wk, 16), c1);
        v = v128.load32_splat(xk + i, 4);
        d0 = madd(v, v128.load(wk, 32), d0);
        d1 = madd(v, v128.load(wk, 48), d1);
        wk += 64;
      }
      if (i < cb) {
        const v = v128.load32_splat(xk + i);
        c0 = madd(v, v128.load(wk), c0);
        c1 = madd(v, v128.load(wk, 16), c1);
        wk += 32;
      }
      xk += xcs;
    }
  }
  store8e(op, f32x4.add(c0, d0), f32x4.add(c1, d1), n, k, EPI_GENERAL);
}

function conv_1x4(xp: usize, xrs: usize, xcs: usize, nky: i32, nkx: i32, cinG: i32, wp: usize, wrs: usize, op: usize, n: i32, k: usize): void {
  let c0 = f32x4.splat(0);
  const cb = <usize>cinG << 2;
  for (let ky = 0; ky < nky; ky++) {
    let xk = xp + <usize>ky * xrs;
    let wk = wp + <usize>ky * wrs;
    for (let kx = 0; kx < nkx; kx++) {
      for (let i: usize = 0; i < cb; i += 4) {
        c0 = madd(v128.load32_splat(xk + i), v128.load(wk), c0);
        wk += 16;
      }
      xk += xcs;
    }
  }
  store4e(op, c0, n, k);
}

/**
 * Bias, folded batch-norm (scale, shift) and activation over `pixels` x `cout` values in place; absent extras
 * are 0 pointers. Skipped entirely when there is nothing to do.
 */
function conv_epilogue(p: usize, pixels: i32, cout: i32, bias: usize, scale: usize, shift: usize, prelu: usize, act: i32, alpha: f32, res: usize): void {
  if (!bias && !scale && !shift && !res && act == 0) return;
  const va = f32x4.splat(alpha);
  for (let px = 0; px < pixels; px++) {
    const row = p + (<usize>(px * cout) << 2);
    let c = 0;
    for (; c + 4 <= cout; c += 4) {
      const k = <usize>c << 2;
      let v = v128.load(row + k);
      if (bias) v = f32x4.add(v, v128.load(bias + k));
      if (scale) v = f32x4.mul(v, v128.load(scale + k));
      if (shift) v = f32x4.add(v, v128.load(shift + k));
      if (res) v = f32x4.add(v, v128.load(res + (row - p) + k));
      v128.store(row + k, activate4(v, act, prelu ? v128.load(prelu + k) : va));
    }
    for (; c < cout; c++) {
      const k = <usize>c << 2;
      let v = load<f32>(row + k);
      if (bias) v += load<f32>(bias + k);
      if (scale) v *= load<f32>(scale + k);
      if (shift) v += load<f32>(shift + k);
      if (res) v += load<f32>(res + (row - p) + k);
      store<f32>(row + k, activate(v, act, prelu ? load<f32>(prelu + k) : alpha));
    }
  }
}

/** Floats the packed filter of conv2d_f32_nhwc_4x8_simd takes. */
export function conv2d_packed_size(kh: i32, kw: i32, cinG: i32, cout: i32, groups: i32): i32 {
  const coutG = cout / groups;
  return groups * kh * kw * cinG * ((coutG + 3) & ~3);
}

/** Packs an HWIO filter into [group][8-channel block][kh][kw][cinG][8 (last block 4)], zero-padded. */
export function conv2d_pack_filter(f: usize, packed: usize, kh: i32, kw: i32, cinG: i32, cout: i32, groups: i32): void {
  const coutG = cout / groups;
  const coutGP = (coutG + 3) & ~3;
  const taps = kh * kw * cinG;
  let dst = packed;
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < coutGP; c += 8) {
      const width = min(8, coutGP - c);
      for (let t = 0; t < taps; t++) {
        const src = f + (<usize>(t * cout + g * coutG + c) << 2);
        for (let j = 0; j < width; j++) {
          store<f32>(dst, c + j < coutG ? load<f32>(src + (<usize>j << 2)) : 0);
          dst += 4;
        }
      }
    }
  }
}

/**
 * Dense (and grouped) conv2d over a packed filter. Per output row and group: 4-pixel tiles where the whole
 * window row is inside the image, 1-pixel tiles with clipped tap ranges at the left/right borders. Computes
 * output rows [r0, r1) of n*oh and columns [c0, c1) of each (thread ranges; tiles start at c0, so splitting
 * columns at multiples of 4 gives the same tiles, and the same bits, as one call).
 */
export function conv2d_f32_nhwc_4x8_simd(x: usize, pk: usize, out: usize, p: usize, bias: usize, scale: usize, shift: usize, prelu: usize, alpha: f32, r0: i32, r1: i32, c0: i32, c1: i32): void {
  const act = prm(p, P_ACT);
  const res = prm(p, P_RES) != 0;
  if (act == 3 && alpha >= 0 && alpha <= 1 && bias != 0 && scale == 0 && shift == 0 && prelu == 0 && !res) {
    rows_bias_leaky(x, pk, out, p, bias, alpha, r0, r1, c0, c1, 0);
  } else if (scale != 0 || shift != 0 || prelu != 0 || (act != 0 && (act != 1 || res || bias == 0))) {
    rows_general(x, pk, out, p, bias, scale, shift, prelu, alpha, r0, r1, c0, c1, 0);
  } else if (act == 1) {
    rows_bias_relu(x, pk, out, p, bias, r0, r1, c0, c1);
  } else if (bias == 0 && !res) {
    rows_none(x, pk, out, p, r0, r1, c0, c1);
  } else if (bias != 0 && res) {
    rows_bias_res(x, pk, out, p, bias, r0, r1, c0, c1);
  } else if (bias != 0) {
    rows_bias(x, pk, out, p, bias, r0, r1, c0, c1);
  } else {
    rows_general(x, pk, out, p, bias, scale, shift, prelu, alpha, r0, r1, c0, c1, 0);
  }
}

// One wasm function per epilogue mode (inlining all copies into one made V8's code for each slower).
function rows_general(x: usize, pk: usize, out: usize, p: usize, bias: usize, scale: usize, shift: usize, prelu: usize, alpha: f32, r0: i32, r1: i32, c0: i32, c1: i32, rowOut: usize): void {
  conv_rows(x, pk, out, p, bias, scale, shift, prelu, alpha, r0, r1, c0, c1, rowOut, EPI_GENERAL);
}
function rows_none(x: usize, pk: usize, out: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void {
  conv_rows(x, pk, out, p, 0, 0, 0, 0, 0, r0, r1, c0, c1, 0, EPI_NONE);
}
function rows_bias(x: usize, pk: usize, out: usize, p: usize, bias: usize, r0: i32, r1: i32, c0: i32, c1: i32): void {
  conv_rows(x, pk, out, p, bias, 0, 0, 0, 0, r0, r1, c0, c1, 0, EPI_BIAS);
}
function rows_bias_res(x: usize, pk: usize, out: usize, p: usize, bias: usize, r0: i32, r1: i32, c0: i32, c1: i32): void {
  conv_rows(x, pk, out, p, bias, 0, 0, 0, 0, r0, r1, c0, c1, 0, EPI_BIAS_RES);
}
function rows_bias_relu(x: usize, pk: usize, out: usize, p: usize, bias: usize, r0: i32, r1: i32, c0: i32, c1: i32): void {
  conv_rows(x, pk, out, p, bias, 0, 0, 0, 0, r0, r1, c0, c1, 0, EPI_BIAS_RELU);
}
// TinyFaceDetector's convs: bias + leaky relu (scalar slope), also row by row under the fused max pool.
function rows_bias_leaky(x: usize, pk: usize, out: usize, p: usize, bias: usize, alpha: f32, r0: i32, r1: i32, c0: i32, c1: i32, rowOut: usize): void {
  conv_rows(x, pk, out, p, bias, 0, 0, 0, alpha, r0, r1, c0, c1, rowOut, EPI_BIAS_LEAKY);
}

/**
 * conv2d_f32_nhwc_4x8_simd's body; rowOut != 0 writes every row there instead (one row per call, then). `mode`
 * (EPI_*, a literal per inlined copy) must match the extras: EPI_GENERAL always does.
 */
// @ts-ignore: decorator
@inline
function conv_rows(x: usize, pk: usize, out: usize, p: usize, bias: usize, scale: usize, shift: usize, prelu: usize, alpha: f32, r0: i32, r1: i32, c0: i32, c1: i32, rowOut: usize, mode: i32): void {
  const h = prm(p, P_H), w = prm(p, P_W), cin = prm(p, P_CIN), oh = prm(p, P_OH), ow = prm(p, P_OW);
  const cout = prm(p, P_COUT), kh = prm(p, P_KH), kw = prm(p, P_KW), sh = prm(p, P_SH), sw = prm(p, P_SW);
  const dh = prm(p, P_DH), dw = prm(p, P_DW), padT = prm(p, P_PADT), padL = prm(p, P_PADL);
  const groups = prm(p, P_GROUPS), cinG = prm(p, P_CING), coutG = prm(p, P_COUTG), act = prm(p, P_ACT);
  const coutGP = (coutG + 3) & ~3;
  const taps = kh * kw * cinG;
  const xps = <usize>(sw * cin) << 2;
  const xcs = <usize>(dw * cin) << 2;
  const xrs = <usize>(dh * w * cin) << 2;
  const ops = <usize>cout << 2;
  // Output columns whose whole window row lies inside the image: [oxA, oxB).
  const oxA = (padL + sw - 1) / sw;
  const lastFull = w - 1 - (kw - 1) * dw + padL;
  const oxB = min(c1, lastFull < 0 ? 0 : min(ow, lastFull / sw + 1));
  // One group, no x dilation: a window row's taps x channels are contiguous in x and in the packed filter, so the
  // tile kernels run them as one loop of kw * cin steps (conv0's 3 x 3 channels: 9 steps, not 3 loops of 3).
  const rowFlat = groups == 1 && dw == 1;
  eBias = bias;
  eScale = scale;
  eShift = shift;
  ePrelu = prelu;
  eAct = act;
  eAlpha = alpha;
  const res = <usize>prm(p, P_RES);
  eHasRes = res != 0;
  eRes = res - out;
  eOn = bias != 0 || scale != 0 || shift != 0 || act != 0 || eHasRes;
  const kwT = rowFlat ? 1 : kw;
  const cinT = rowFlat ? kw * cinG : cinG;
  for (let r = r0; r < r1; r++) {
    const b = r / oh;
    const oy = r - b * oh;
    const iy0 = oy * sh - padT;
    const ky0 = tapLo(iy0, dh);
    const nky = max(0, tapHi(iy0, dh, kh, h) - ky0);
    const orow = rowOut ? rowOut : out + (<usize>((b * oh + oy) * ow * cout) << 2);
    for (let g = 0; g < groups; g++) {
      // x at (first valid tap row, column 0, this group's channels); columns are added per pixel.
      const xg = x + (<usize>(((b * h + iy0 + ky0 * dh) * w) * cin + g * cinG) << 2);
      const pg = pk + (<usize>(g * taps * coutGP) << 2);
      let ox = c0;
      while (ox < c1) {
        const ix0 = ox * sw - padL;
        if (ox >= oxA && ox + 4 <= oxB) {
          const xp = xg + (<usize>(ix0 * cin) << 2);
          for (let c = 0; c < coutGP; c += 8) {
            const width = min(8, coutGP - c);
            const wrs = <usize>(kw * cinG * width) << 2;
            const wp = pg + (<usize>(taps * c) << 2) + <usize>ky0 * wrs;
            const op = orow + (<usize>(ox * cout + g * coutG + c) << 2);
            const k = <usize>(g * coutG + c) << 2;
            if (width == 8) conv_4x8(xp, xps, xrs, xcs, nky, kwT, cinT, wp, wrs, op, ops, coutG - c, k, mode);
            else conv_4x4(xp, xps, xrs, xcs, nky, kwT, cinT, wp, wrs, op, ops, coutG - c, k);
          }
          ox += 4;
        } else {
          const kx0 = tapLo(ix0, dw);
          const nkx = max(0, tapHi(ix0, dw, kw, w) - kx0);
          const nkxT = rowFlat ? min(nkx, 1) : nkx;
          const cinX = rowFlat ? nkx * cinG : cinG;
          const xp = xg + (<usize>((ix0 + kx0 * dw) * cin) << 2);
          for (let c = 0; c < coutGP; c += 8) {
            const width = min(8, coutGP - c);
            const wrs = <usize>(kw * cinG * width) << 2;
            const wp = pg + (<usize>(taps * c + kx0 * cinG * width) << 2) + <usize>ky0 * wrs;
            const op = orow + (<usize>(ox * cout + g * coutG + c) << 2);
            const k = <usize>(g * coutG + c) << 2;
            if (width == 8) conv_1x8(xp, xrs, xcs, nky, nkxT, cinX, wp, wrs, op, coutG - c, k);
            else conv_1x4(xp, xrs, xcs, nky, nkxT, cinX, wp, wrs, op, coutG - c, k);
          }
          ox += 1;
        }
      }
    }
  }
}

/**
 * conv2d (as conv2d_f32_nhwc_4x8_simd) + max pool with non-overlapping windows (pool stride = window, no
 * dilation). Per pooled output row, the conv rows under its windows go to `scratch` (window-height rows, still in
 * cache) and are max-pooled from there: the full-size conv output never reaches memory. Pooled rows [r0, r1) of
 * n*poh; scratch holds pkh * ow * cout floats per concurrent call.
 */
export function conv2d_maxpool_f32_nhwc_4x8_simd(x: usize, pk: usize, out: usize, p: usize, bias: usize, scale: usize, shift: usize, prelu: usize, alpha: f32, r0: i32, r1: i32, scratch: usize): void {
  const oh = prm(p, P_OH), ow = prm(p, P_OW), cout = prm(p, P_COUT);
  const pkh = prm(p, P_PKH), pkw = prm(p, P_PKW), psh = prm(p, P_PSH), psw = prm(p, P_PSW);
  const ppadT = prm(p, P_PPADT), ppadL = prm(p, P_PPADL), poh = prm(p, P_POH), pow = prm(p, P_POW);
  const pix = <usize>cout << 2;
  const rowBytes = <usize>ow * pix;
  const leaky = prm(p, P_ACT) == 3 && alpha >= 0 && alpha <= 1 && bias != 0 && scale == 0 && shift == 0 && prelu == 0;
  for (let r = r0; r < r1; r++) {
    const b = r / poh;
    const cy0 = (r - b * poh) * psh - ppadT;
    const ylo = max(0, -cy0);
    const nrows = min(pkh, oh - cy0) - ylo;
    for (let t = 0; t < nrows; t++) {
      const cr = b * oh + cy0 + ylo + t;
      if (leaky) rows_bias_leaky(x, pk, out, p, bias, alpha, cr, cr + 1, 0, ow, scratch + <usize>t * rowBytes);
      else rows_general(x, pk, out, p, bias, scale, shift, prelu, alpha, cr, cr + 1, 0, ow, scratch + <usize>t * rowBytes);
    }
    let op = out + <usize>r * <usize>pow * pix;
    for (let px = 0; px < pow; px++) {
      const cx0 = px * psw - ppadL;
      const xlo = max(0, -cx0);
      const ncols = min(pkw, ow - cx0) - xlo;
      const first = scratch + <usize>(cx0 + xlo) * pix;
      let c = 0;
      if (nrows == 2 && ncols == 2) {
        // A full 2x2 window (Tiny's pools): 3 maxes, not 4 (wasm's max orders -0 below +0 and returns NaN for any
        // NaN operand, so any order gives the same values).
        const second = first + rowBytes;
        for (; c + 4 <= cout; c += 4) {
          const k = <usize>c << 2;
          const m0 = f32x4.max(v128.load(first + k), v128.load(first + pix + k));
          const m1 = f32x4.max(v128.load(second + k), v128.load(second + pix + k));
          v128.store(op + k, f32x4.max(m0, m1));
        }
      }
      for (; c + 4 <= cout; c += 4) {
        const k = <usize>c << 2;
        let m = v128.load(first + k);
        for (let t = 0; t < nrows; t++) {
          let q = first + <usize>t * rowBytes + k;
          for (let u = 0; u < ncols; u++) {
            m = f32x4.max(m, v128.load(q));
            q += pix;
          }
        }
        v128.store(op + k, m);
      }
      for (; c < cout; c++) {
        const k = <usize>c << 2;
        let m = load<f32>(first + k);
        for (let t = 0; t < nrows; t++) {
          let q = first + <usize>t * rowBytes + k;
          for (let u = 0; u < ncols; u++) {
            m = max(m, load<f32>(q));
            q += pix;
          }
        }
        store<f32>(op + k, m);
      }
      op += pix;
    }
  }
}

/**
 * Depthwise, multiplier 1, 3-wide window at x stride 1, all taps of the 4 pixels inside the row: 4 neighbouring
 * output pixels x 4 channels per step. Per window row 6 input columns and 3 filter taps feed 12 madds (the
 * per-pixel loop loads 2 vectors per madd); same summation order as that loop (ky, then kx), so the same bits.
 */
// @ts-ignore: decorator
@inline
function dw3_4x4(xp: usize, xrs: usize, nky: i32, cin: i32, wp: usize, wrs: usize, op: usize, relu: bool): void {
  const cs = <usize>cin << 2;
  for (let c: usize = 0; c < cs; c += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let ky = 0; ky < nky; ky++) {
      const xk = xp + <usize>ky * xrs + c;
      const wk = wp + <usize>ky * wrs + c;
      const w0 = v128.load(wk), w1 = v128.load(wk + cs), w2 = v128.load(wk + 2 * cs);
      const x0 = lx(xk, relu), x1 = lx(xk + cs, relu), x2 = lx(xk + 2 * cs, relu);
      a0 = madd(x2, w2, madd(x1, w1, madd(x0, w0, a0)));
      const x3 = lx(xk + 3 * cs, relu);
      a1 = madd(x3, w2, madd(x2, w1, madd(x1, w0, a1)));
      const x4 = lx(xk + 4 * cs, relu);
      a2 = madd(x4, w2, madd(x3, w1, madd(x2, w0, a2)));
      const x5 = lx(xk + 5 * cs, relu);
      a3 = madd(x5, w2, madd(x4, w1, madd(x3, w0, a3)));
    }
    v128.store(op + c, a0);
    v128.store(op + cs + c, a1);
    v128.store(op + 2 * cs + c, a2);
    v128.store(op + 3 * cs + c, a3);
  }
}

/**
 * As dw3_4x4 for 8 neighbouring output pixels (10 input columns per window row, 8 independent accumulators, 3
 * taps and the x column in flight: still within V8's SIMD registers): fewer loads per madd and more chains in
 * flight, ~7% faster at 56x56x32. Same summation order, so the same bits.
 */
// @ts-ignore: decorator
@inline
function dw3_8x4(xp: usize, xrs: usize, nky: i32, cin: i32, wp: usize, wrs: usize, op: usize, relu: bool): void {
  const cs = <usize>cin << 2;
  for (let c: usize = 0; c < cs; c += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    for (let ky = 0; ky < nky; ky++) {
      const xk = xp + <usize>ky * xrs + c;
      const wk = wp + <usize>ky * wrs + c;
      const w0 = v128.load(wk), w1 = v128.load(wk + cs), w2 = v128.load(wk + 2 * cs);
      // Column j feeds pixels j - 2 (tap 2), j - 1 (tap 1) and j (tap 0), in that order per pixel's chain.
      let v = lx(xk, relu);
      a0 = madd(v, w0, a0);
      v = lx(xk + cs, relu);
      a0 = madd(v, w1, a0);
      a1 = madd(v, w0, a1);
      v = lx(xk + 2 * cs, relu);
      a0 = madd(v, w2, a0);
      a1 = madd(v, w1, a1);
      a2 = madd(v, w0, a2);
      v = lx(xk + 3 * cs, relu);
      a1 = madd(v, w2, a1);
      a2 = madd(v, w1, a2);
      a3 = madd(v, w0, a3);
      v = lx(xk + 4 * cs, relu);
      a2 = madd(v, w2, a2);
      a3 = madd(v, w1, a3);
      a4 = madd(v, w0, a4);
      v = lx(xk + 5 * cs, relu);
      a3 = madd(v, w2, a3);
      a4 = madd(v, w1, a4);
      a5 = madd(v, w0, a5);
      v = lx(xk + 6 * cs, relu);
      a4 = madd(v, w2, a4);
      a5 = madd(v, w1, a5);
      a6 = madd(v, w0, a6);
      v = lx(xk + 7 * cs, relu);
      a5 = madd(v, w2, a5);
      a6 = madd(v, w1, a6);
      a7 = madd(v, w0, a7);
      v = lx(xk + 8 * cs, relu);
      a6 = madd(v, w2, a6);
      a7 = madd(v, w1, a7);
      v = lx(xk + 9 * cs, relu);
      a7 = madd(v, w2, a7);
    }
    v128.store(op + c, a0);
    v128.store(op + cs + c, a1);
    v128.store(op + 2 * cs + c, a2);
    v128.store(op + 3 * cs + c, a3);
    v128.store(op + 4 * cs + c, a4);
    v128.store(op + 5 * cs + c, a5);
    v128.store(op + 6 * cs + c, a6);
    v128.store(op + 7 * cs + c, a7);
  }
}

/**
 * Depthwise, multiplier 1, 3-wide window at x stride 2, all taps of the 4 pixels inside the row: 4 output pixels
 * x 4 channels per step from 9 input columns (the per-pixel loop loads 2 vectors per madd). Same summation order
 * as that loop (ky, then kx), so the same bits.
 */
// @ts-ignore: decorator
@inline
function dw3s2_4x4(xp: usize, xrs: usize, nky: i32, cin: i32, wp: usize, wrs: usize, op: usize, relu: bool): void {
  const cs = <usize>cin << 2;
  for (let c: usize = 0; c < cs; c += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let ky = 0; ky < nky; ky++) {
      const xk = xp + <usize>ky * xrs + c;
      const wk = wp + <usize>ky * wrs + c;
      const w0 = v128.load(wk), w1 = v128.load(wk + cs), w2 = v128.load(wk + 2 * cs);
      let x0 = lx(xk, relu), x1 = lx(xk + cs, relu), x2 = lx(xk + 2 * cs, relu);
      a0 = madd(x2, w2, madd(x1, w1, madd(x0, w0, a0)));
      x0 = lx(xk + 3 * cs, relu);
      x1 = lx(xk + 4 * cs, relu);
      a1 = madd(x1, w2, madd(x0, w1, madd(x2, w0, a1)));
      x0 = lx(xk + 5 * cs, relu);
      x2 = lx(xk + 6 * cs, relu);
      a2 = madd(x2, w2, madd(x0, w1, madd(x1, w0, a2)));
      x0 = lx(xk + 7 * cs, relu);
      x1 = lx(xk + 8 * cs, relu);
      a3 = madd(x1, w2, madd(x0, w1, madd(x2, w0, a3)));
    }
    v128.store(op + c, a0);
    v128.store(op + cs + c, a1);
    v128.store(op + 2 * cs + c, a2);
    v128.store(op + 3 * cs + c, a3);
  }
}

/**
 * A 1x1 stride-1 unpadded depthwise conv with multiplier 1 (a per-channel affine map: FaceLandmark68Net's input
 * normalisation) over x seen as one flat run of pixels * cin values, in steps of `period` values (cin rounded up
 * so that it is a multiple of 4 and of cin). `tab` holds 5 tables of `period` values per lane: filter, bias (0
 * when absent), scale (1), shift (0) and the activation slope; 0 + p, p * 1 and p + 0 are exact, so each value
 * equals the generic kernel's act(((0 + x * w) + bias) * scale + shift + res) (the sign of a zero aside). Flat
 * values [i0, i1), i0 a multiple of `period` (thread ranges).
 */
export function conv2d_f32_nhwc_dw1x1_flat_simd(x: usize, out: usize, tab: usize, period: i32, i0: i32, i1: i32, act: i32, res: usize, relu: i32): void {
  if (relu) dw1x1_flat(x, out, tab, period, i0, i1, act, res, true);
  else dw1x1_flat(x, out, tab, period, i0, i1, act, res, false);
}

// @ts-ignore: decorator
@inline
function dw1x1_flat(x: usize, out: usize, tab: usize, period: i32, i0: i32, i1: i32, act: i32, res: usize, relu: bool): void {
  const pb = <usize>period << 2;
  const tw = tab, tb = tab + pb, ts = tab + 2 * pb, tt = tab + 3 * pb, ta = tab + 4 * pb;
  for (let base = i0; base < i1; base += period) {
    const n = min(period, i1 - base);
    const q = <usize>base << 2;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = <usize>j << 2;
      // 0 + x * w: the accumulator of the generic kernel (+0 for a -0 product, as there).
      let v = f32x4.add(f32x4.splat(0), f32x4.mul(lx(x + q + k, relu), v128.load(tw + k)));
      v = f32x4.add(f32x4.mul(f32x4.add(v, v128.load(tb + k)), v128.load(ts + k)), v128.load(tt + k));
      if (res) v = f32x4.add(v, v128.load(res + q + k));
      v128.store(out + q + k, activate4(v, act, v128.load(ta + k)));
    }
    for (; j < n; j++) {
      const k = <usize>j << 2;
      let v: f32 = 0 + lx1(x + q + k, relu) * load<f32>(tw + k);
      v = (v + load<f32>(tb + k)) * load<f32>(ts + k) + load<f32>(tt + k);
      if (res) v += load<f32>(res + q + k);
      store<f32>(out + q + k, activate(v, act, load<f32>(ta + k)));
    }
  }
}

/**
 * Depthwise conv2d (one input channel per group, `multiplier` = cout / cin outputs each). Multiplier 1 runs
 * SIMD over channels (16 at a time, then 4, then a scalar tail); x and the HWIO filter are both contiguous over
 * channels there, so no packing. Other multipliers run scalar (rare: no model here uses them). Output rows
 * [r0, r1) of n*oh (thread ranges).
 */
export function conv2d_f32_nhwc_dw_simd(x: usize, f: usize, out: usize, p: usize, bias: usize, scale: usize, shift: usize, prelu: usize, alpha: f32, r0: i32, r1: i32): void {
  // Two inlined copies, so the x loads of neither branch on inputRelu.
  if (prm(p, P_DW_INRELU)) dw_rows(x, f, out, p, bias, scale, shift, prelu, alpha, r0, r1, true);
  else dw_rows(x, f, out, p, bias, scale, shift, prelu, alpha, r0, r1, false);
}

// @ts-ignore: decorator
@inline
function dw_rows(x: usize, f: usize, out: usize, p: usize, bias: usize, scale: usize, shift: usize, prelu: usize, alpha: f32, r0: i32, r1: i32, relu: bool): void {
  const h = prm(p, P_H), w = prm(p, P_W), cin = prm(p, P_CIN), oh = prm(p, P_OH), ow = prm(p, P_OW);
  const cout = prm(p, P_COUT), kh = prm(p, P_KH), kw = prm(p, P_KW), sh = prm(p, P_SH), sw = prm(p, P_SW);
  const dh = prm(p, P_DH), dw = prm(p, P_DW), padT = prm(p, P_PADT), padL = prm(p, P_PADL);
  const mult = prm(p, P_COUTG), act = prm(p, P_ACT);
  const res = <usize>prm(p, P_DW_RES);
  const xrs = <usize>(dh * w * cin) << 2;
  const xcs = <usize>(dw * cin) << 2;
  const wrs = <usize>(kw * cout) << 2;
  const wcs = <usize>cout << 2;
  // 3-wide windows at x stride 1: interior runs of 8, then 4, output pixels share their input columns (dw3_8x4,
  // dw3_4x4); at x stride 2 runs of 4 (dw3s2_4x4).
  const row3 = mult == 1 && kw == 3 && sw == 1 && dw == 1 && (cin & 3) == 0;
  const row3s2 = mult == 1 && kw == 3 && sw == 2 && dw == 1 && (cin & 3) == 0;
  for (let r = r0; r < r1; r++) {
    const b = r / oh;
    const oy = r - b * oh;
    const iy0 = oy * sh - padT;
    const ky0 = tapLo(iy0, dh);
    const nky = max(0, tapHi(iy0, dh, kh, h) - ky0);
    const orow = out + (<usize>((b * oh + oy) * ow * cout) << 2);
    for (let ox = 0; ox < ow; ox++) {
      const ix0 = ox * sw - padL;
      if (row3 && ix0 >= 0 && ix0 + 10 <= w) {
        const xp = x + (<usize>(((b * h + iy0 + ky0 * dh) * w + ix0) * cin) << 2);
        dw3_8x4(xp, xrs, nky, cin, f + <usize>ky0 * wrs, wrs, orow + (<usize>(ox * cout) << 2), relu);
        ox += 7;
        continue;
      }
      if (row3 && ix0 >= 0 && ix0 + 6 <= w) {
        const xp = x + (<usize>(((b * h + iy0 + ky0 * dh) * w + ix0) * cin) << 2);
        dw3_4x4(xp, xrs, nky, cin, f + <usize>ky0 * wrs, wrs, orow + (<usize>(ox * cout) << 2), relu);
        ox += 3;
        continue;
      }
      if (row3s2 && ix0 >= 0 && ix0 + 9 <= w && ox + 4 <= ow) {
        const xp = x + (<usize>(((b * h + iy0 + ky0 * dh) * w + ix0) * cin) << 2);
        dw3s2_4x4(xp, xrs, nky, cin, f + <usize>ky0 * wrs, wrs, orow + (<usize>(ox * cout) << 2), relu);
        ox += 3;
        continue;
      }
      const kx0 = tapLo(ix0, dw);
      const nkx = max(0, tapHi(ix0, dw, kw, w) - kx0);
      const xp = x + (<usize>(((b * h + iy0 + ky0 * dh) * w + ix0 + kx0 * dw) * cin) << 2);
      const wp = f + (<usize>((ky0 * kw + kx0) * cout) << 2);
      const op = orow + (<usize>(ox * cout) << 2);
      if (mult == 1) {
        let c = 0;
        for (; c + 16 <= cin; c += 16) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          const k = <usize>c << 2;
          for (let ky = 0; ky < nky; ky++) {
            let xk = xp + <usize>ky * xrs + k;
            let wk = wp + <usize>ky * wrs + k;
            for (let kx = 0; kx < nkx; kx++) {
              a0 = madd(lx(xk, relu), v128.load(wk), a0);
              a1 = madd(lx(xk + 16, relu), v128.load(wk, 16), a1);
              a2 = madd(lx(xk + 32, relu), v128.load(wk, 32), a2);
              a3 = madd(lx(xk + 48, relu), v128.load(wk, 48), a3);
              xk += xcs;
              wk += wcs;
            }
          }
          v128.store(op + k, a0);
          v128.store(op + k, a1, 16);
          v128.store(op + k, a2, 32);
          v128.store(op + k, a3, 48);
        }
        for (; c + 4 <= cin; c += 4) {
          let a0 = f32x4.splat(0);
          const k = <usize>c << 2;
          for (let ky = 0; ky < nky; ky++) {
            let xk = xp + <usize>ky * xrs + k;
            let wk = wp + <usize>ky * wrs + k;
            for (let kx = 0; kx < nkx; kx++) {
              a0 = madd(lx(xk, relu), v128.load(wk), a0);
              xk += xcs;
              wk += wcs;
            }
          }
          v128.store(op + k, a0);
        }
        for (; c < cin; c++) {
          let a: f32 = 0;
          const k = <usize>c << 2;
          for (let ky = 0; ky < nky; ky++) {
            let xk = xp + <usize>ky * xrs + k;
            let wk = wp + <usize>ky * wrs + k;
            for (let kx = 0; kx < nkx; kx++) {
              a += lx1(xk, relu) * load<f32>(wk);
              xk += xcs;
              wk += wcs;
            }
          }
          store<f32>(op + k, a);
        }
      } else {
        for (let co = 0; co < cout; co++) {
          let a: f32 = 0;
          const kx_ = <usize>(co / mult) << 2;
          const kw_ = <usize>co << 2;
          for (let ky = 0; ky < nky; ky++) {
            let xk = xp + <usize>ky * xrs + kx_;
            let wk = wp + <usize>ky * wrs + kw_;
            for (let kx = 0; kx < nkx; kx++) {
              a += lx1(xk, relu) * load<f32>(wk);
              xk += xcs;
              wk += wcs;
            }
          }
          store<f32>(op + kw_, a);
        }
      }
    }
    conv_epilogue(orow, ow, cout, bias, scale, shift, prelu, act, alpha, res ? res + (orow - out) : 0);
  }
}
