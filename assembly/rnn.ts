// Recurrent kernels, shared part: SIMD activations, the recurrent-product microkernels, weight packing, state
// padding, the bidirectional merge, and the SimpleRNN cell. LSTM (lstm.ts) and GRU (gru.ts) build on these.
//
// Layouts (src/ops/recurrent/wasm.ts sets them up): a unit block is UB units (4 for LSTM/GRU, 16 for SimpleRNN),
// one v128 per gate. The recurrent kernel R [u, G*u] is always read as panels [q][k][g][UB]: for unit block q, k
// rows of G*UB floats (LSTM: the 4 gates of 4 units = 16 floats), so one block's whole cell step reads one
// contiguous panel (packed once per weight and cached by the launcher). When units are a multiple of UB, the
// kernels read the rest in Keras's layouts (x W + b from one GEMM per direction, biases, peepholes). Otherwise the
// pack kernels below pad units to `up` and interleave gates per block:
// - the input kernel W [F, G*u] becomes rows [f][q][g][UB] (both directions side by side), so the one GEMM that
//   precomputes x W + b for all steps writes the gate pre-activations already interleaved by unit block;
// - state per direction: h ping-pong [2][B][up] (a step reads all of h while writing it), c [B][up], and for
//   GRU resetAfter=false z [B][up] and r*h [B][up].
// A step walks unit blocks (outer: the panel stays in L1) and batch rows 4 at a time (inner): a 4 x 16 block of
// gate sums, two rows (8 v128 accumulators) at a time (rnnAccumRows; skipped at step 0 from a zero initial h),
// then the cell's gate math over the block's rows in passes the core can overlap (see lstm.ts).
import { madd } from './simd';

// Param block (i32 slots, one block per direction), filled by src/ops/recurrent/wasm.ts.
export const RNN_P_B: i32 = 0; // batch
export const RNN_P_U: i32 = 1; // units
export const RNN_P_UP: i32 = 2; // padded units
export const RNN_P_T: i32 = 3; // steps
export const RNN_P_XP: i32 = 4; // x W + b, this direction's first column (bytes)
export const RNN_P_XSB: i32 = 5; // XP bytes between batch rows
export const RNN_P_XST: i32 = 6; // XP bytes between time steps
export const RNN_P_RW: i32 = 7; // recurrent kernel (packed panels or Keras layout)
export const RNN_P_AUX: i32 = 8; // LSTM peepholes / GRU recurrent bias (0 = none)
export const RNN_P_MASK: i32 = 9; // lengths [B] or mask [B, T] (f32)
export const RNN_P_MASKMODE: i32 = 10; // 0 none, 1 lengths, 2 mask
export const RNN_P_H: i32 = 11; // h ping-pong [2][B][up]
export const RNN_P_C: i32 = 12; // c [B][up]
export const RNN_P_Z: i32 = 13; // GRU resetAfter=false: z [B][up]
export const RNN_P_RH: i32 = 14; // GRU resetAfter=false: r * h [B][up]
export const RNN_P_OUT: i32 = 15; // output, this direction's first column
export const RNN_P_OSB: i32 = 16; // output bytes between batch rows
export const RNN_P_OST: i32 = 17; // output bytes between time positions (sequence output)
export const RNN_P_SEQ: i32 = 18; // 1: output every step
export const RNN_P_ACT: i32 = 19; // activation code (RNN_ACT_CODE)
export const RNN_P_RACT: i32 = 20; // recurrent activation code
export const RNN_P_ZERO: i32 = 21; // masked steps output zeros
export const RNN_P_REV: i32 = 22; // step s reads time T-1-s
export const RNN_P_FLIP: i32 = 23; // step s writes output position T-1-s
export const RNN_P_RESET_AFTER: i32 = 24; // GRU
// Where a unit block's weights, input projections and aux vectors sit: packed (per block contiguous) or Keras's
// layout read in place (gates u apart), in bytes.
export const RNN_P_WQ: i32 = 25; // recurrent kernel: per unit block
export const RNN_P_WS: i32 = 26; // per row k
export const RNN_P_WG: i32 = 27; // per gate (v128 column)
export const RNN_P_XQ: i32 = 28; // XP: per unit block
export const RNN_P_XG: i32 = 29; // per gate
export const RNN_P_AQ: i32 = 30; // aux: per unit block
export const RNN_P_AG: i32 = 31; // per gate
export const RNN_P_H0ZERO: i32 = 32; // 1: the initial h is zeros, so step 0's recurrent product is skipped
export const RNN_P_SIZE: i32 = 33;

/** 4 rows x 4 v128 of gate sums: a single-threaded caller's hand-off from the microkernels to its epilogue. */
export const RNN_ACC: usize = memory.data(256, 16);

// @ts-ignore: decorator
@inline
export function rnnParam(p: usize, slot: i32): i32 {
  return load<i32>(p + (<usize>slot << 2));
}

// The activations' constants live in a table and are broadcast from memory (one load each): written as
// f32x4.splat they become v128.const, which V8 materialises with ~4 instructions at every use inside the step
// loops (LSTM b32 u64: 45 -> 29 us per step).
const K_LO: i32 = 0;
const K_HI: i32 = 1;
const K_MAGIC: i32 = 2;
const K_LOG2E: i32 = 3;
const K_LN2HI: i32 = 4;
const K_LN2LO: i32 = 5;
const K_P0: i32 = 6;
const K_ONE: i32 = 12;
export const RNN_K_ONE: i32 = K_ONE;
const K_MTWO: i32 = 13;
const K_HS_A: i32 = 14;
const K_HALF: i32 = 15;
const K_SIGN: i32 = 16;
// rnnSigmoid4x4: clamp, -log2e, 2^r's Horner coefficients (degree-5 fit on |r| <= 1/2: relative error 3.7e-7
// in f32).
const K_SG_LO: i32 = 18;
const K_SG_HI: i32 = 19;
const K_SG_NLOG2E: i32 = 20;
const K_SG_P: i32 = 21; // 6 coefficients
export const RNN_K_TWO: i32 = 27;
export const RNN_K_MONE: i32 = 28;
const RNN_K: usize = memory.data<f32>([
  -87.3, 88.3, 12583039.0, 1.44269504, -0.693359375, 2.12194440e-4,
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
  1.0, -2.0, 0.2, 0.5, -0.0, 0.0,
  -80.0, 80.0, -1.44269504,
  0.0012903797905892134, 0.00966803077608347, 0.05551712587475777, 0.2402227371931076, 0.6931464672088623, 1.0,
  2.0, -1.0,
], 16);

/** Table constant i on 4 lanes. */
// @ts-ignore: decorator
@inline
export function rnnK(i: i32): v128 {
  return v128.load32_splat(RNN_K + (<usize>i << 2));
}

/**
 * e^x on 4 lanes (Cephes expf: x = n ln2 + r, |r| <= ln2/2, degree-6 polynomial): ~1 ulp over the clamped
 * range. n is rounded by adding 1.5 * 2^23 + 127, whose low bits then are n + 127: shifted into the exponent
 * field they are 2^n (no float-int conversion, which V8 lowers to ~8 instructions).
 */
// @ts-ignore: decorator
@inline
export function rnnExp4(v: v128): v128 {
  // pmin/pmax: one instruction each (min/max's NaN and -0 rules cost V8 ~7); NaN still propagates (first operand)
  const x = f32x4.pmin(f32x4.pmax(v, rnnK(K_LO)), rnnK(K_HI));
  const magic = rnnK(K_MAGIC); // 0x4B40007F
  let n = madd(x, rnnK(K_LOG2E), magic);
  const pow2n = i32x4.shl(n, 23);
  n = f32x4.sub(n, magic);
  let r = madd(n, rnnK(K_LN2HI), x);
  r = madd(n, rnnK(K_LN2LO), r);
  let y = rnnK(K_P0);
  y = madd(y, r, rnnK(K_P0 + 1));
  y = madd(y, r, rnnK(K_P0 + 2));
  y = madd(y, r, rnnK(K_P0 + 3));
  y = madd(y, r, rnnK(K_P0 + 4));
  y = madd(y, r, rnnK(K_P0 + 5));
  y = madd(y, f32x4.mul(r, r), f32x4.add(r, rnnK(K_ONE)));
  return f32x4.mul(y, pow2n);
}

// @ts-ignore: decorator
@inline
export function rnnSigmoid4(v: v128): v128 {
  const one = rnnK(K_ONE);
  return f32x4.div(one, f32x4.add(one, rnnExp4(f32x4.neg(v))));
}

/**
 * In place, the sigmoid of the 4 v128 at p0..p3, interleaved so each table constant is loaded once for all four
 * (and the four chains overlap): 1 / (1 + e^-x), e^-x = 2^t, t = -x log2e, as 2^round(t) times a degree-5
 * polynomial (the FMA pipes are the bottleneck here: one multiply before it, adds after). Absolute error 1.2e-7,
 * relative 3 |x| 1e-7 for x < 0. x is clamped to [-80, 80], so 2^round(t) stays a normal float (the shift builds
 * its exponent field). ~15 instructions per vector against ~50 for rnnSigmoid4 (one product-of-four division instead of
 * four measured no faster). Callers get tanh x = 2 sigmoid(2x) - 1
 * from it too (absolute error < 3e-7). All loads precede all stores: p's may repeat.
 */
// @ts-ignore: decorator
@inline
export function rnnSigmoid4x4(p0: usize, p1: usize, p2: usize, p3: usize): void {
  let k = rnnK(K_SG_LO);
  let x0 = f32x4.pmax(v128.load(p0), k), x1 = f32x4.pmax(v128.load(p1), k);
  let x2 = f32x4.pmax(v128.load(p2), k), x3 = f32x4.pmax(v128.load(p3), k);
  k = rnnK(K_SG_HI);
  x0 = f32x4.pmin(x0, k); x1 = f32x4.pmin(x1, k); x2 = f32x4.pmin(x2, k); x3 = f32x4.pmin(x3, k);
  // t = -x log2e, e^-x = 2^n 2^r with n = round(t) and r = t - n in [-1/2, 1/2]. Without the usual two-part ln2
  // reduction t is off by up to |t| 6e-8, a relative error of e^-x that sigmoid's slope (<= e^-|x|) cancels.
  k = rnnK(K_SG_NLOG2E);
  x0 = f32x4.mul(x0, k); x1 = f32x4.mul(x1, k); x2 = f32x4.mul(x2, k); x3 = f32x4.mul(x3, k);
  const magic = rnnK(K_MAGIC);
  let n0 = f32x4.add(x0, magic), n1 = f32x4.add(x1, magic), n2 = f32x4.add(x2, magic), n3 = f32x4.add(x3, magic);
  const e0 = i32x4.shl(n0, 23), e1 = i32x4.shl(n1, 23), e2 = i32x4.shl(n2, 23), e3 = i32x4.shl(n3, 23);
  n0 = f32x4.sub(n0, magic); n1 = f32x4.sub(n1, magic); n2 = f32x4.sub(n2, magic); n3 = f32x4.sub(n3, magic);
  const s0 = f32x4.sub(x0, n0), s1 = f32x4.sub(x1, n1), s2 = f32x4.sub(x2, n2), s3 = f32x4.sub(x3, n3);
  k = rnnK(K_SG_P);
  let c = rnnK(K_SG_P + 1);
  let y0 = madd(k, s0, c), y1 = madd(k, s1, c), y2 = madd(k, s2, c), y3 = madd(k, s3, c);
  c = rnnK(K_SG_P + 2);
  y0 = madd(y0, s0, c); y1 = madd(y1, s1, c); y2 = madd(y2, s2, c); y3 = madd(y3, s3, c);
  c = rnnK(K_SG_P + 3);
  y0 = madd(y0, s0, c); y1 = madd(y1, s1, c); y2 = madd(y2, s2, c); y3 = madd(y3, s3, c);
  c = rnnK(K_SG_P + 4);
  y0 = madd(y0, s0, c); y1 = madd(y1, s1, c); y2 = madd(y2, s2, c); y3 = madd(y3, s3, c);
  c = rnnK(K_SG_P + 5);
  y0 = madd(y0, s0, c); y1 = madd(y1, s1, c); y2 = madd(y2, s2, c); y3 = madd(y3, s3, c);
  c = rnnK(K_ONE);
  // d = 1 + e^-x
  y0 = madd(y0, e0, c); y1 = madd(y1, e1, c); y2 = madd(y2, e2, c); y3 = madd(y3, e3, c);
  v128.store(p0, f32x4.div(c, y0));
  v128.store(p1, f32x4.div(c, y1));
  v128.store(p2, f32x4.div(c, y2));
  v128.store(p3, f32x4.div(c, y3));
}

/** In place, the sigmoid of the v128 at byte `slot` of a block's rows (4, 64 bytes apart; 1: its pointer repeats). */
// @ts-ignore: decorator
@inline
export function rnnSigmoidRows(accs: usize, slot: usize, rows: i32): void {
  const r1: usize = rows > 1 ? 64 : 0;
  const p = accs + slot;
  rnnSigmoid4x4(p, p + r1, p + 2 * r1, p + 3 * r1);
}

/** tanh from e^(-2|x|) (never overflows), sign put back: |error| ~1e-7 absolute. */
// @ts-ignore: decorator
@inline
export function rnnTanh4(v: v128): v128 {
  const e = rnnExp4(f32x4.mul(f32x4.abs(v), rnnK(K_MTWO)));
  const one = rnnK(K_ONE);
  const t = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  return v128.or(t, v128.and(v, rnnK(K_SIGN)));
}

/** Codes as RNN_ACT_CODE in src/ops/recurrent/spec.ts: 0 linear, 1 relu, 2 sigmoid, 3 hard_sigmoid, 4 tanh. */
// @ts-ignore: decorator
@inline
export function rnnAct4(v: v128, code: i32): v128 {
  if (code == 4) return rnnTanh4(v);
  if (code == 2) return rnnSigmoid4(v);
  if (code == 3) return f32x4.min(f32x4.max(madd(v, rnnK(K_HS_A), rnnK(K_HALF)), f32x4.splat(0)), rnnK(K_ONE));
  if (code == 1) return f32x4.max(v, f32x4.splat(0));
  return v;
}

/** Is (row b, time t) a step to take? Lengths and masks are f32 tensors. */
// @ts-ignore: decorator
@inline
export function rnnValid(mode: i32, mask: usize, b: i32, t: i32, T: i32): bool {
  if (mode == 1) return <f32>t < load<f32>(mask + (<usize>b << 2));
  if (mode == 2) return load<f32>(mask + (<usize>(b * T + t) << 2)) != 0;
  return true;
}

/** Lanes j0..j0+3 of an output row, only those below u (never reads past the tensor). */
// @ts-ignore: decorator
@inline
export function rnnLoadOut(row: usize, j0: i32, u: i32): v128 {
  const p = row + (<usize>j0 << 2);
  if (j0 + 4 <= u) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (j0 + 1 < u) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (j0 + 2 < u) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores lanes j0..j0+3 of an output row, only those below u. */
// @ts-ignore: decorator
@inline
export function rnnStoreOut(row: usize, j0: i32, u: i32, v: v128): void {
  const p = row + (<usize>j0 << 2);
  if (j0 + 4 <= u) {
    v128.store(p, v);
    return;
  }
  if (j0 >= u) return;
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (j0 + 1 < u) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (j0 + 2 < u) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * The output of a step: h when the step is taken, else zeros (zeroOutputForMask) or the previous output
 * (Keras; zeros before the first step). prev = 0 at the first step.
 */
// @ts-ignore: decorator
@inline
export function rnnMaskedOut(ok: bool, h: v128, zero: i32, prev: usize, j0: i32, u: i32): v128 {
  if (ok) return h;
  if (zero || !prev) return f32x4.splat(0);
  return rnnLoadOut(prev, j0, u);
}

/**
 * A row's new h for lanes j0..j0+3 into the next state (the old h kept where the mask skips the step) and, when
 * the step writes output, into the output row (masked as rnnMaskedOut). sq: the lanes' byte offset in the state.
 */
// @ts-ignore: decorator
@inline
export function rnnStoreH(ok: bool, h2: v128, hPrev: usize, hNext: usize, sq: usize, writeOut: i32, outNow: usize,
  outPrev: usize, osb: usize, b: i32, j0: i32, u: i32, zero: i32): void {
  v128.store(hNext + sq, ok ? h2 : v128.load(hPrev + sq));
  if (writeOut) {
    const prow: usize = outPrev ? outPrev + <usize>b * osb : 0;
    rnnStoreOut(outNow + <usize>b * osb, j0, u, rnnMaskedOut(ok, h2, zero, prow, j0, u));
  }
}

/**
 * A sum's starting value: the input projection's entry at x + off (the gate sums then come out with x W + b in
 * them, no load-add-store pass after), or zero when x is 0.
 */
// @ts-ignore: decorator
@inline
function rnnStart(x: usize, off: usize): v128 {
  return x ? v128.load(x + off) : f32x4.splat(0);
}

/**
 * acc[r][j] = x[r, j] + sum_k a[r, k] * w[k, j] for 2 rows and nv (1..4, a constant after inlining) v128 columns:
 * half of the recurrent product h @ R of one unit block. a rows at a + r * ars; w rows at w + k * ws, column j at
 * + j * gs (bytes): a packed panel (gs 16) or Keras's layout read in place (gs = the gate stride); x[r, j] at
 * x + r * xrs + j * xcs (rnnStart). A values are broadcast by splat loads: 8 accumulators + 4 w + 1 a = 13 v128
 * live, within V8's at most 15 SIMD registers (4 rows' 16 accumulators, or 2 A rows held as v128 for lane
 * shuffles, spill).
 */
// @ts-ignore: decorator
@inline
function rnnAccumG2(nv: i32, a: usize, ars: usize, w: usize, ws: usize, gs: usize, k: i32, acc: usize, x: usize, xrs: usize, xcs: usize): void {
  let c00 = rnnStart(x, 0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = rnnStart(x, xrs), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  if (nv > 1) { c01 = rnnStart(x, xcs); c11 = rnnStart(x, xrs + xcs); }
  if (nv > 2) { c02 = rnnStart(x, 2 * xcs); c12 = rnnStart(x, xrs + 2 * xcs); }
  if (nv > 3) { c03 = rnnStart(x, 3 * xcs); c13 = rnnStart(x, xrs + 3 * xcs); }
  let b1 = f32x4.splat(0), b2 = b1, b3 = b1;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(w);
    if (nv > 1) b1 = v128.load(w + gs);
    if (nv > 2) b2 = v128.load(w + 2 * gs);
    if (nv > 3) b3 = v128.load(w + 3 * gs);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00); if (nv > 1) c01 = madd(av, b1, c01); if (nv > 2) c02 = madd(av, b2, c02); if (nv > 3) c03 = madd(av, b3, c03);
    av = v128.load32_splat(a + ars);
    c10 = madd(av, b0, c10); if (nv > 1) c11 = madd(av, b1, c11); if (nv > 2) c12 = madd(av, b2, c12); if (nv > 3) c13 = madd(av, b3, c13);
    a += 4;
    w += ws;
  }
  v128.store(acc, c00, 0); if (nv > 1) v128.store(acc, c01, 16); if (nv > 2) v128.store(acc, c02, 32); if (nv > 3) v128.store(acc, c03, 48);
  v128.store(acc, c10, 64); if (nv > 1) v128.store(acc, c11, 80); if (nv > 2) v128.store(acc, c12, 96); if (nv > 3) v128.store(acc, c13, 112);
}

/**
 * 4 rows x nv <= 2 columns in one pass (at most 8 accumulators + 2 w + 1 a): GRU's 2-column pass keeps
 * 4 independent FMA chains per column instead of 2.
 */
// @ts-ignore: decorator
@inline
function rnnAccumG4n2(nv: i32, a: usize, ars: usize, w: usize, ws: usize, gs: usize, k: i32, acc: usize, x: usize, xrs: usize, xcs: usize): void {
  let c00 = rnnStart(x, 0), c10 = rnnStart(x, xrs), c20 = rnnStart(x, 2 * xrs), c30 = rnnStart(x, 3 * xrs);
  let c01 = f32x4.splat(0), c11 = c01, c21 = c01, c31 = c01;
  if (nv > 1) {
    c01 = rnnStart(x, xcs); c11 = rnnStart(x, xrs + xcs); c21 = rnnStart(x, 2 * xrs + xcs); c31 = rnnStart(x, 3 * xrs + xcs);
  }
  let b1 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(w);
    if (nv > 1) b1 = v128.load(w + gs);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00); if (nv > 1) c01 = madd(av, b1, c01);
    av = v128.load32_splat(a + ars);
    c10 = madd(av, b0, c10); if (nv > 1) c11 = madd(av, b1, c11);
    av = v128.load32_splat(a + 2 * ars);
    c20 = madd(av, b0, c20); if (nv > 1) c21 = madd(av, b1, c21);
    av = v128.load32_splat(a + 3 * ars);
    c30 = madd(av, b0, c30); if (nv > 1) c31 = madd(av, b1, c31);
    a += 4;
    w += ws;
  }
  v128.store(acc, c00, 0); if (nv > 1) v128.store(acc, c01, 16);
  v128.store(acc, c10, 64); if (nv > 1) v128.store(acc, c11, 80);
  v128.store(acc, c20, 128); if (nv > 1) v128.store(acc, c21, 144);
  v128.store(acc, c30, 192); if (nv > 1) v128.store(acc, c31, 208);
}

/**
 * 4 rows x 1 column (GRU resetAfter=false's candidate pass): 4 chains would leave the two FMA pipes half idle
 * (latency 4), so even and odd k go to two accumulator sets (8 chains) added at the end.
 */
// @ts-ignore: decorator
@inline
function rnnAccumG4n1(a: usize, ars: usize, w: usize, ws: usize, k: i32, acc: usize, x: usize, xrs: usize): void {
  let c0 = rnnStart(x, 0), c1 = rnnStart(x, xrs), c2 = rnnStart(x, 2 * xrs), c3 = rnnStart(x, 3 * xrs);
  let d0 = f32x4.splat(0), d1 = d0, d2 = d0, d3 = d0;
  let p = 0;
  for (; p + 2 <= k; p += 2) {
    const b0 = v128.load(w);
    const b1 = v128.load(w + ws);
    c0 = madd(v128.load32_splat(a), b0, c0);
    c1 = madd(v128.load32_splat(a + ars), b0, c1);
    c2 = madd(v128.load32_splat(a + 2 * ars), b0, c2);
    c3 = madd(v128.load32_splat(a + 3 * ars), b0, c3);
    d0 = madd(v128.load32_splat(a, 4), b1, d0);
    d1 = madd(v128.load32_splat(a + ars, 4), b1, d1);
    d2 = madd(v128.load32_splat(a + 2 * ars, 4), b1, d2);
    d3 = madd(v128.load32_splat(a + 3 * ars, 4), b1, d3);
    a += 8;
    w += 2 * ws;
  }
  if (p < k) {
    const b0 = v128.load(w);
    c0 = madd(v128.load32_splat(a), b0, c0);
    c1 = madd(v128.load32_splat(a + ars), b0, c1);
    c2 = madd(v128.load32_splat(a + 2 * ars), b0, c2);
    c3 = madd(v128.load32_splat(a + 3 * ars), b0, c3);
  }
  v128.store(acc, f32x4.add(c0, d0), 0);
  v128.store(acc, f32x4.add(c1, d1), 64);
  v128.store(acc, f32x4.add(c2, d2), 128);
  v128.store(acc, f32x4.add(c3, d3), 192);
}

/**
 * The gate sums of 4 rows (acc rows 64 bytes apart): nv > 2 as two row pairs (rnnAccumG2; the L1-resident w block
 * is read twice), nv 1 by rnnAccumG4n1 (even and odd k summed apart), else one pass. A sum's order depends on nv and
 * on whether its row sits in a 4-row block (set by B, not by the thread split), so threads never change results.
 */
// @ts-ignore: decorator
@inline
export function rnnAccumG4(nv: i32, a: usize, ars: usize, w: usize, ws: usize, gs: usize, k: i32, acc: usize, x: usize = 0, xrs: usize = 0, xcs: usize = 0): void {
  if (nv == 1) {
    rnnAccumG4n1(a, ars, w, ws, k, acc, x, xrs);
    return;
  }
  if (nv <= 2) {
    rnnAccumG4n2(nv, a, ars, w, ws, gs, k, acc, x, xrs, xcs);
    return;
  }
  rnnAccumG2(nv, a, ars, w, ws, gs, k, acc, x, xrs, xcs);
  rnnAccumG2(nv, a + 2 * ars, ars, w, ws, gs, k, acc + 128, x ? x + 2 * xrs : 0, xrs, xcs);
}

/**
 * As rnnAccumG4 for one row. With a single row each column is one dependent chain of k FMAs (latency-bound, worst
 * for GRU's 1- and 2-column passes), so even and odd k go to two accumulator sets added at the end.
 */
// @ts-ignore: decorator
@inline
export function rnnAccumG1(nv: i32, a: usize, ars: usize, w: usize, ws: usize, gs: usize, k: i32, acc: usize, x: usize = 0, xcs: usize = 0): void {
  let c00 = rnnStart(x, 0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  if (nv > 1) c01 = rnnStart(x, xcs);
  if (nv > 2) c02 = rnnStart(x, 2 * xcs);
  if (nv > 3) c03 = rnnStart(x, 3 * xcs);
  let d00 = f32x4.splat(0), d01 = f32x4.splat(0), d02 = f32x4.splat(0), d03 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = b0, b2 = b0, b3 = b0, av = b0;
  const k4 = k & ~3;
  let p = 0;
  for (; p < k4; p += 4) {
    const v0 = v128.load(a);
    b0 = v128.load(w);
    if (nv > 1) b1 = v128.load(w + gs);
    if (nv > 2) b2 = v128.load(w + 2 * gs);
    if (nv > 3) b3 = v128.load(w + 3 * gs);
    av = v128.shuffle<f32>(v0, v0, 0, 0, 0, 0);
    c00 = madd(av, b0, c00); if (nv > 1) c01 = madd(av, b1, c01); if (nv > 2) c02 = madd(av, b2, c02); if (nv > 3) c03 = madd(av, b3, c03);
    b0 = v128.load(w + 1 * ws);
    if (nv > 1) b1 = v128.load(w + 1 * ws + gs);
    if (nv > 2) b2 = v128.load(w + 1 * ws + 2 * gs);
    if (nv > 3) b3 = v128.load(w + 1 * ws + 3 * gs);
    av = v128.shuffle<f32>(v0, v0, 1, 1, 1, 1);
    d00 = madd(av, b0, d00); if (nv > 1) d01 = madd(av, b1, d01); if (nv > 2) d02 = madd(av, b2, d02); if (nv > 3) d03 = madd(av, b3, d03);
    b0 = v128.load(w + 2 * ws);
    if (nv > 1) b1 = v128.load(w + 2 * ws + gs);
    if (nv > 2) b2 = v128.load(w + 2 * ws + 2 * gs);
    if (nv > 3) b3 = v128.load(w + 2 * ws + 3 * gs);
    av = v128.shuffle<f32>(v0, v0, 2, 2, 2, 2);
    c00 = madd(av, b0, c00); if (nv > 1) c01 = madd(av, b1, c01); if (nv > 2) c02 = madd(av, b2, c02); if (nv > 3) c03 = madd(av, b3, c03);
    b0 = v128.load(w + 3 * ws);
    if (nv > 1) b1 = v128.load(w + 3 * ws + gs);
    if (nv > 2) b2 = v128.load(w + 3 * ws + 2 * gs);
    if (nv > 3) b3 = v128.load(w + 3 * ws + 3 * gs);
    av = v128.shuffle<f32>(v0, v0, 3, 3, 3, 3);
    d00 = madd(av, b0, d00); if (nv > 1) d01 = madd(av, b1, d01); if (nv > 2) d02 = madd(av, b2, d02); if (nv > 3) d03 = madd(av, b3, d03);
    a += 16;
    w += 4 * ws;
  }
  for (; p < k; p++) {
    b0 = v128.load(w);
    if (nv > 1) b1 = v128.load(w + gs);
    if (nv > 2) b2 = v128.load(w + 2 * gs);
    if (nv > 3) b3 = v128.load(w + 3 * gs);
    av = v128.load32_splat(a);
    c00 = madd(av, b0, c00); if (nv > 1) c01 = madd(av, b1, c01); if (nv > 2) c02 = madd(av, b2, c02); if (nv > 3) c03 = madd(av, b3, c03);
    a += 4;
    w += ws;
  }
  v128.store(acc, f32x4.add(c00, d00), 0);
  if (nv > 1) v128.store(acc, f32x4.add(c01, d01), 16);
  if (nv > 2) v128.store(acc, f32x4.add(c02, d02), 32);
  if (nv > 3) v128.store(acc, f32x4.add(c03, d03), 48);
}

/**
 * The gate sums of one step for a block of `rows` (4 or 1) batch rows, every cell's first move: h @ R over nv
 * v128 columns into acc (rows 64 bytes apart), started from the input projection x (row r, column j at
 * x + r * xrs + j * xcs; x = 0: from zero), or just x when h is known to be zero (step 0 from a zero initial state).
 */
// @ts-ignore: decorator
@inline
export function rnnAccumRows(nv: i32, rows: i32, zeroH: bool, a: usize, ars: usize, w: usize, ws: usize, gs: usize, k: i32, acc: usize, x: usize = 0, xrs: usize = 0, xcs: usize = 0): void {
  if (zeroH) {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < 4; j++) {
        v128.store(acc + (<usize>(r * 4 + j) << 4), j < nv ? rnnStart(x, <usize>r * xrs + <usize>j * xcs) : f32x4.splat(0));
      }
    }
  } else if (rows == 4) {
    rnnAccumG4(nv, a, ars, w, ws, gs, k, acc, x, xrs, xcs);
  } else {
    rnnAccumG1(nv, a, ars, w, ws, gs, k, acc, x, xcs);
  }
}

/** rnnAccumG4 on a packed panel (v128 columns 16 bytes apart). */
// @ts-ignore: decorator
@inline
export function rnnAccum4(nv: i32, a: usize, ars: usize, w: usize, ws: usize, k: i32, acc: usize): void {
  rnnAccumG4(nv, a, ars, w, ws, 16, k, acc);
}

/** rnnAccumG1 on a packed panel. */
// @ts-ignore: decorator
@inline
export function rnnAccum1(nv: i32, a: usize, ars: usize, w: usize, ws: usize, k: i32, acc: usize): void {
  rnnAccumG1(nv, a, ars, w, ws, 16, k, acc);
}

/** R [rows, G*u] (row stride G*u) -> panels [q][row][g][UB], zero past u. */
export function rnn_pack_panels_f32(src: usize, rows: i32, u: i32, G: i32, UB: i32, dst: usize): void {
  const nq = (u + UB - 1) / UB;
  const gu = G * u;
  let o = dst;
  for (let q = 0; q < nq; q++) {
    const j0 = q * UB;
    const full = j0 + UB <= u && (UB & 3) == 0;
    for (let k = 0; k < rows; k++) {
      const row = src + (<usize>(k * gu) << 2);
      for (let g = 0; g < G; g++) {
        const s = row + (<usize>(g * u + j0) << 2);
        if (full) {
          for (let l = 0; l < UB; l += 4) v128.store(o + (<usize>l << 2), v128.load(s + (<usize>l << 2)));
        } else {
          for (let l = 0; l < UB; l++) store<f32>(o + (<usize>l << 2), j0 + l < u ? load<f32>(s + (<usize>l << 2)) : 0);
        }
        o += <usize>UB << 2;
      }
    }
  }
}

/**
 * W [rows, G*u] (row stride G*u; src 0: zeros) -> rows [row][q][g][UB] at dst + row * dstStride floats, zero past
 * u. Also packs bias-like vectors (rows = 1).
 */
export function rnn_pack_rows_f32(src: usize, rows: i32, u: i32, G: i32, UB: i32, dst: usize, dstStride: i32): void {
  const nq = (u + UB - 1) / UB;
  const gu = G * u;
  for (let k = 0; k < rows; k++) {
    const row = src + (<usize>(k * gu) << 2);
    let o = dst + (<usize>(k * dstStride) << 2);
    for (let q = 0; q < nq; q++) {
      for (let g = 0; g < G; g++) {
        const j0 = q * UB;
        const s = row + (<usize>(g * u + j0) << 2);
        if (src && j0 + UB <= u && (UB & 3) == 0) {
          for (let l = 0; l < UB; l += 4) v128.store(o + (<usize>l << 2), v128.load(s + (<usize>l << 2)));
        } else {
          for (let l = 0; l < UB; l++) store<f32>(o + (<usize>l << 2), src && j0 + l < u ? load<f32>(s + (<usize>l << 2)) : 0);
        }
        o += <usize>UB << 2;
      }
    }
  }
}

/** [rows, u] -> [rows, up], zero padded (src 0: all zeros): initial states into the padded state layout. */
export function rnn_pad_rows_f32(src: usize, rows: i32, u: i32, up: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    const o = dst + (<usize>(r * up) << 2);
    const s = src + (<usize>(r * u) << 2);
    for (let j = 0; j < up; j++) store<f32>(o + (<usize>j << 2), src && j < u ? load<f32>(s + (<usize>j << 2)) : 0);
  }
}

/** [rows, up] -> [rows, u]: final states out of the padded layout. */
export function rnn_unpad_rows_f32(src: usize, rows: i32, up: i32, u: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) memory.copy(dst + (<usize>(r * u) << 2), src + (<usize>(r * up) << 2), <usize>u << 2);
}

/** Bidirectional merge of two outputs of n floats: 1 sum, 2 mul, 3 average. */
export function rnn_merge_f32(a: usize, b: usize, out: usize, n: i32, mode: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    let r = mode == 2 ? f32x4.mul(x, y) : f32x4.add(x, y);
    if (mode == 3) r = f32x4.mul(r, f32x4.splat(0.5));
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(a + o);
    const y = load<f32>(b + o);
    store<f32>(out + o, mode == 2 ? x * y : mode == 3 ? (x + y) * 0.5 : x + y);
  }
}

/**
 * One SimpleRNN step s of one direction (param block p): h' = act(xW + b + h R) for batch rows rb0..rb1-1 (a
 * thread's range; `accs`: 256 bytes of its scratch). Unit blocks of 16 (4 v128), so a 4-row block keeps 16
 * accumulators like the LSTM's.
 */
export function simple_rnn_step_f32_simd(p: usize, s: i32, rb0: i32, rb1: i32, accs: usize): void {
  const B = rnnParam(p, RNN_P_B);
  const u = rnnParam(p, RNN_P_U);
  const up = rnnParam(p, RNN_P_UP);
  const T = rnnParam(p, RNN_P_T);
  const t = rnnParam(p, RNN_P_REV) ? T - 1 - s : s;
  const flip = rnnParam(p, RNN_P_FLIP);
  const pos = flip ? T - 1 - s : s;
  const seq = rnnParam(p, RNN_P_SEQ);
  const maskMode = rnnParam(p, RNN_P_MASKMODE);
  const mask = <usize>rnnParam(p, RNN_P_MASK);
  const act = rnnParam(p, RNN_P_ACT);
  const zero = rnnParam(p, RNN_P_ZERO);
  const xp = <usize>rnnParam(p, RNN_P_XP) + <usize>t * <usize>rnnParam(p, RNN_P_XST);
  const xsb = <usize>rnnParam(p, RNN_P_XSB);
  const rw = <usize>rnnParam(p, RNN_P_RW);
  const wqs = <usize>rnnParam(p, RNN_P_WQ);
  const ws = <usize>rnnParam(p, RNN_P_WS);
  const xqs = <usize>rnnParam(p, RNN_P_XQ);
  const rowBytes = <usize>up << 2;
  const hBase = <usize>rnnParam(p, RNN_P_H);
  const hPrev = hBase + (s & 1 ? <usize>B * rowBytes : 0);
  const hNext = hBase + (s & 1 ? 0 : <usize>B * rowBytes);
  const out = <usize>rnnParam(p, RNN_P_OUT);
  const osb = <usize>rnnParam(p, RNN_P_OSB);
  const ost = <usize>rnnParam(p, RNN_P_OST);
  const outNow = out + (seq ? <usize>pos * ost : 0);
  const outPrev: usize = s == 0 ? 0 : out + (seq ? <usize>(flip ? pos + 1 : pos - 1) * ost : 0);
  const writeOut = seq || maskMode != 0 || s == T - 1;
  const zeroH = s == 0 && rnnParam(p, RNN_P_H0ZERO) != 0;
  const nq = up >> 4;
  for (let q = 0; q < nq; q++) {
    // 16 consecutive units = 4 v128 columns, 16 bytes apart in both layouts
    const wq = rw + <usize>q * wqs;
    for (let b0 = rb0; b0 < rb1; ) {
      const rows = rb1 - b0 >= 4 ? 4 : 1;
      rnnAccumRows(4, rows, zeroH, hPrev + <usize>b0 * rowBytes, rowBytes, wq, ws, 16, u, accs);
      for (let r = 0; r < rows; r++) {
        const b = b0 + r;
        const ok = rnnValid(maskMode, mask, b, t, T);
        const xq = xp + <usize>b * xsb + <usize>q * xqs;
        const acc = accs + (<usize>r << 6);
        const hq = (<usize>b * rowBytes) + (<usize>q << 6);
        for (let v = 0; v < 4; v++) {
          const o = <usize>v << 4;
          const hNew = rnnAct4(f32x4.add(v128.load(acc + o), v128.load(xq + o)), act);
          rnnStoreH(ok, hNew, hPrev, hNext, hq + o, writeOut, outNow, outPrev, osb, b, (q << 4) + (v << 2), u, zero);
        }
      }
      b0 += rows;
    }
  }
}

/** All T SimpleRNN steps of one direction for batch rows rb0..rb1-1, in one call. */
export function simple_rnn_seq_f32_simd(p: usize, rb0: i32, rb1: i32, accs: usize): void {
  const T = rnnParam(p, RNN_P_T);
  for (let s = 0; s < T; s++) simple_rnn_step_f32_simd(p, s, rb0, rb1, accs);
}
