// Backpropagation through time for the recurrent-grad ops (src/ops/recurrent-grad/wasm.ts): the gate
// recompute from the saved h sequence, the backward recurrence over all steps in one call, and small layout
// helpers. The x W, h R, weight-gradient and dx products are GEMMs (assembly/gemm.ts) run by the launcher.
//
// Buffers, all [B, T, .] in memory order (row b * T + t; step s reads time t = s or T-1-s with go_backwards):
//   xz [rows][G*U]  x W + b       -> activated gates (recompute) -> gate gradients DX (backward), in place
//   hr [rows][G*U]  h_{s-1} R (+ GRU recurrent bias) -> (GRU) the h-side gate gradients DH, in place
//   hp [rows][U]    h_{s-1} (zeros at s = 0)          cs [rows][U] LSTM cell states
//   rt [G*U][up4]   R transposed, zero padded to up4 = U rounded up to 4: the recurrent product
//                   dh_{s-1} = DH_s R^T reads it as a [G*U, up4] matrix of 16-float panels
//   st [2][B][up4]  per (b, unit): the direct part of dh_{s-1} (GRU: z * dh), and LSTM's dc carried back
//   rec [B][up4]    the recurrent product of one step
// Cell codes: 0 SimpleRNN, 1 LSTM, 2 GRU reset_after, 3 / 4 GRU reset_after=false (first / second half).
import { RNN_ACC, rnnAccum1, rnnAccum4, rnnAct4, rnnLoadOut, rnnStoreOut } from './rnn';
import { madd } from './simd';

/** d act(a) / da from y = act(a) on 4 lanes (codes as RNN_ACT_CODE: 0 linear, 1 relu, 2 sigmoid, 3 hard, 4 tanh). */
// @ts-ignore: decorator
@inline
function dact4(y: v128, code: i32): v128 {
  const one = f32x4.splat(1);
  if (code == 4) return f32x4.sub(one, f32x4.mul(y, y));
  if (code == 2) return f32x4.mul(y, f32x4.sub(one, y));
  if (code == 3) return v128.and(v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, one)), f32x4.splat(0.2));
  if (code == 1) return v128.and(f32x4.gt(y, f32x4.splat(0)), one);
  return one;
}

// @ts-ignore: decorator
@inline
function gates(cell: i32): i32 {
  return cell == 1 ? 4 : cell == 0 ? 1 : 3;
}

/** hp row (b, t(s)) = hseq row (b, s - 1), zeros at s = 0: h_{s-1} aligned with the x row step s reads. */
export function rnn_grad_shift_f32(hseq: usize, hp: usize, B: i32, T: i32, U: i32, rev: i32): void {
  const rb = <usize>U << 2;
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const t = rev ? T - 1 - s : s;
      const dst = hp + <usize>(b * T + t) * rb;
      if (s == 0) memory.fill(dst, 0, rb);
      else memory.copy(dst, hseq + <usize>(b * T + s - 1) * rb, rb);
    }
  }
}

/** rt [GU][up4] = R^T zero padded (R is [U, GU], Keras layout). */
export function rnn_grad_pack_rt_f32(r: usize, U: i32, GU: i32, up4: i32, rt: usize): void {
  for (let n = 0; n < GU; n++) {
    const row = rt + (<usize>(n * up4) << 2);
    for (let k = 0; k < up4; k++) store<f32>(row + (<usize>k << 2), k < U ? load<f32>(r + (<usize>(k * GU + n) << 2)) : 0);
  }
}

/** dst [U, 3U]: columns 0..2U from m1, 2U..3U from m2 (GRU reset_after=false: dR_h comes from (r * h)^T). */
export function rnn_grad_merge_rh_f32(m1: usize, m2: usize, U: i32, dst: usize): void {
  const rb = <usize>(3 * U) << 2;
  const zr = <usize>(2 * U) << 2;
  for (let k = 0; k < U; k++) {
    const o = <usize>k * rb;
    memory.copy(dst + o, m1 + o, zr);
    memory.copy(dst + o + zr, m2 + o + zr, rb - zr);
  }
}

/**
 * Recomputes every step's activated gates from xz (x W + b) and hr (h_{s-1} R): no dependence between steps
 * except LSTM's c, which is elementwise. Units 4 at a time, the last block lane-guarded.
 */
export function rnn_grad_recompute_f32(cell: i32, xz: usize, hr: usize, cs: usize, hp: usize, rhp: usize, B: i32, T: i32, U: i32, act: i32, ract: i32, rev: i32): void {
  const GU = gates(cell) * U;
  const ub = <usize>U << 2;
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const t = rev ? T - 1 - s : s;
      const row = b * T + t;
      const px = xz + <usize>row * (<usize>GU << 2);
      const ph = hr + <usize>row * (<usize>GU << 2);
      const prow = <usize>row * ub;
      const cprev: usize = s > 0 ? cs + <usize>(b * T + (rev ? t + 1 : t - 1)) * ub : 0;
      for (let j = 0; j < U; j += 4) {
        if (cell == 1) {
          const i = rnnAct4(f32x4.add(rnnLoadOut(px, j, U), rnnLoadOut(ph, j, U)), ract);
          const f = rnnAct4(f32x4.add(rnnLoadOut(px + ub, j, U), rnnLoadOut(ph + ub, j, U)), ract);
          const g = rnnAct4(f32x4.add(rnnLoadOut(px + 2 * ub, j, U), rnnLoadOut(ph + 2 * ub, j, U)), act);
          const o = rnnAct4(f32x4.add(rnnLoadOut(px + 3 * ub, j, U), rnnLoadOut(ph + 3 * ub, j, U)), ract);
          const cp = cprev ? rnnLoadOut(cprev, j, U) : f32x4.splat(0);
          rnnStoreOut(px, j, U, i);
          rnnStoreOut(px + ub, j, U, f);
          rnnStoreOut(px + 2 * ub, j, U, g);
          rnnStoreOut(px + 3 * ub, j, U, o);
          rnnStoreOut(cs + prow, j, U, madd(f, cp, f32x4.mul(i, g)));
        } else if (cell == 0) {
          rnnStoreOut(px, j, U, rnnAct4(f32x4.add(rnnLoadOut(px, j, U), rnnLoadOut(ph, j, U)), act));
        } else if (cell == 4) {
          rnnStoreOut(px + 2 * ub, j, U, rnnAct4(f32x4.add(rnnLoadOut(px + 2 * ub, j, U), rnnLoadOut(ph + 2 * ub, j, U)), act));
        } else {
          const z = rnnAct4(f32x4.add(rnnLoadOut(px, j, U), rnnLoadOut(ph, j, U)), ract);
          const r = rnnAct4(f32x4.add(rnnLoadOut(px + ub, j, U), rnnLoadOut(ph + ub, j, U)), ract);
          rnnStoreOut(px, j, U, z);
          rnnStoreOut(px + ub, j, U, r);
          if (cell == 2) {
            rnnStoreOut(px + 2 * ub, j, U, rnnAct4(madd(r, rnnLoadOut(ph + 2 * ub, j, U), rnnLoadOut(px + 2 * ub, j, U)), act));
          } else {
            rnnStoreOut(rhp + prow, j, U, f32x4.mul(r, rnnLoadOut(hp + prow, j, U)));
          }
        }
      }
    }
  }
}

/** Copies nv v128 per row of the 4-row accumulator block into out rows (b0 + r) at column block q. */
// @ts-ignore: decorator
@inline
function storeAcc(rows: i32, nv: i32, out: usize, ob: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < nv; v++) v128.store(out + <usize>r * ob + (<usize>v << 4), v128.load(RNN_ACC + (<usize>r << 6) + (<usize>v << 4)));
  }
}

/**
 * out[b, c] = sum_n a[b, n] * w[n, c] for n < k and c < 4 nv4: B rows of a (a + b * ars bytes), w rows ws bytes
 * apart, out rows ob bytes apart. The one product of a recurrent step (h R forwards, DH R^T backwards): 4 rows x
 * 16 columns in 16 v128 accumulators (rnnAccum4).
 */
function recProduct(a: usize, ars: usize, w: usize, ws: usize, nv4: i32, k: i32, out: usize, ob: usize, B: i32): void {
  for (let b0 = 0; b0 < B; b0 += 4) {
    const rows = B - b0 >= 4 ? 4 : B - b0;
    const ab = a + <usize>b0 * ars;
    for (let q = 0; q < nv4; q += 4) {
      const nv = nv4 - q >= 4 ? 4 : nv4 - q;
      const wq = w + (<usize>q << 4);
      const oq = out + <usize>b0 * ob + (<usize>q << 4);
      if (rows == 4) {
        if (nv == 4) rnnAccum4(4, ab, ars, wq, ws, k, RNN_ACC);
        else if (nv == 3) rnnAccum4(3, ab, ars, wq, ws, k, RNN_ACC);
        else if (nv == 2) rnnAccum4(2, ab, ars, wq, ws, k, RNN_ACC);
        else rnnAccum4(1, ab, ars, wq, ws, k, RNN_ACC);
        storeAcc(4, nv, oq, ob);
      } else {
        for (let r = 0; r < rows; r++) {
          const ar = ab + <usize>r * ars;
          if (nv == 4) rnnAccum1(4, ar, ars, wq, ws, k, RNN_ACC);
          else if (nv == 3) rnnAccum1(3, ar, ars, wq, ws, k, RNN_ACC);
          else if (nv == 2) rnnAccum1(2, ar, ars, wq, ws, k, RNN_ACC);
          else rnnAccum1(1, ar, ars, wq, ws, k, RNN_ACC);
          storeAcc(1, nv, oq + <usize>r * ob, ob);
        }
      }
    }
  }
}

/** rp [U][GUp] = R [U, GU] zero padded on the right (whole v128 loads past the last gate's last unit). */
export function rnn_train_pack_r_f32(r: usize, U: i32, GU: i32, GUp: i32, rp: usize): void {
  for (let k = 0; k < U; k++) {
    const dst = rp + <usize>(k * GUp) * 4;
    memory.copy(dst, r + <usize>(k * GU) * 4, <usize>GU << 2);
    memory.fill(dst + (<usize>GU << 2), 0, <usize>(GUp - GU) << 2);
  }
}

/**
 * The training forward, all T steps: per step the recurrent product h_{s-1} R (one [B, U] x [U, GUp] product from
 * the h sequence written so far), then each unit's gate math on v128s of 4 units. xz holds x W + b (a GEMM run
 * by the launcher) and is overwritten by the activated gates; hseq gets h per step (processing order), aux the
 * state backprop needs (LSTM c, GRU h R_h + recurrent bias, or r * h_{s-1}), hlast the last h. GRU
 * reset_after=false takes a second product per step, (r * h_{s-1}) R_h. rbias: GRU's recurrent bias or 0.
 */
export function rnn_train_forward_f32(
  cell: i32, xz: usize, hseq: usize, hlast: usize, aux: usize, rp: usize, GUp: i32, rbias: usize, rec: usize,
  B: i32, T: i32, U: i32, act: i32, ract: i32, rev: i32,
): void {
  const GU = gates(cell) * U;
  const ub = <usize>U << 2;
  const gb = <usize>GU << 2;
  const pb = <usize>GUp << 2;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  for (let s = 0; s < T; s++) {
    const t = rev ? T - 1 - s : s;
    if (s > 0) recProduct(hseq + <usize>(s - 1) * ub, <usize>T * ub, rp, pb, GUp >> 2, U, rec, pb, B);
    else memory.fill(rec, 0, <usize>B * pb);
    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      const px = xz + <usize>row * gb;
      const rb = rec + <usize>b * pb;
      const hp: usize = s > 0 ? hseq + <usize>(b * T + s - 1) * ub : 0;
      const ho = hseq + <usize>(b * T + s) * ub;
      const ar = aux + <usize>row * ub;
      const cprev: usize = s > 0 ? aux + <usize>(b * T + (rev ? t + 1 : t - 1)) * ub : 0;
      for (let j = 0; j < U; j += 4) {
        const hpv = hp ? rnnLoadOut(hp, j, U) : zero;
        if (cell == 1) {
          const i = rnnAct4(f32x4.add(rnnLoadOut(px, j, U), rnnLoadOut(rb, j, U)), ract);
          const f = rnnAct4(f32x4.add(rnnLoadOut(px + ub, j, U), rnnLoadOut(rb + ub, j, U)), ract);
          const g = rnnAct4(f32x4.add(rnnLoadOut(px + 2 * ub, j, U), rnnLoadOut(rb + 2 * ub, j, U)), act);
          const o = rnnAct4(f32x4.add(rnnLoadOut(px + 3 * ub, j, U), rnnLoadOut(rb + 3 * ub, j, U)), ract);
          const c = madd(f, cprev ? rnnLoadOut(cprev, j, U) : zero, f32x4.mul(i, g));
          rnnStoreOut(px, j, U, i);
          rnnStoreOut(px + ub, j, U, f);
          rnnStoreOut(px + 2 * ub, j, U, g);
          rnnStoreOut(px + 3 * ub, j, U, o);
          rnnStoreOut(ar, j, U, c);
          rnnStoreOut(ho, j, U, f32x4.mul(o, rnnAct4(c, act)));
        } else if (cell == 0) {
          const y = rnnAct4(f32x4.add(rnnLoadOut(px, j, U), rnnLoadOut(rb, j, U)), act);
          rnnStoreOut(px, j, U, y);
          rnnStoreOut(ho, j, U, y);
        } else {
          const rz = rbias ? rnnLoadOut(rbias, j, U) : zero;
          const rr = rbias ? rnnLoadOut(rbias + ub, j, U) : zero;
          const z = rnnAct4(f32x4.add(f32x4.add(rnnLoadOut(px, j, U), rnnLoadOut(rb, j, U)), rz), ract);
          const r = rnnAct4(f32x4.add(f32x4.add(rnnLoadOut(px + ub, j, U), rnnLoadOut(rb + ub, j, U)), rr), ract);
          rnnStoreOut(px, j, U, z);
          rnnStoreOut(px + ub, j, U, r);
          if (cell == 2) {
            const ahh = f32x4.add(rnnLoadOut(rb + 2 * ub, j, U), rbias ? rnnLoadOut(rbias + 2 * ub, j, U) : zero);
            const hh = rnnAct4(madd(r, ahh, rnnLoadOut(px + 2 * ub, j, U)), act);
            rnnStoreOut(px + 2 * ub, j, U, hh);
            rnnStoreOut(ar, j, U, ahh);
            rnnStoreOut(ho, j, U, madd(z, hpv, f32x4.mul(f32x4.sub(one, z), hh)));
          } else {
            rnnStoreOut(ar, j, U, f32x4.mul(r, hpv));
          }
        }
      }
    }
    if (cell == 3) {
      // q = (r * h_{s-1}) R_h for every row, then the candidate and h.
      recProduct(aux + <usize>t * ub, <usize>T * ub, rp + (<usize>(2 * U) << 2), pb, (U + 3) >> 2, U, rec, pb, B);
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        const px = xz + <usize>row * gb;
        const rb = rec + <usize>b * pb;
        const hp: usize = s > 0 ? hseq + <usize>(b * T + s - 1) * ub : 0;
        const ho = hseq + <usize>(b * T + s) * ub;
        for (let j = 0; j < U; j += 4) {
          const z = rnnLoadOut(px, j, U);
          const hh = rnnAct4(f32x4.add(rnnLoadOut(px + 2 * ub, j, U), rnnLoadOut(rb, j, U)), act);
          rnnStoreOut(px + 2 * ub, j, U, hh);
          rnnStoreOut(ho, j, U, madd(z, hp ? rnnLoadOut(hp, j, U) : zero, f32x4.mul(f32x4.sub(one, z), hh)));
        }
      }
    }
  }
  for (let b = 0; b < B; b++) memory.copy(hlast + <usize>b * ub, hseq + <usize>(b * T + T - 1) * ub, ub);
}

/**
 * The backward recurrence, all T steps, processing order reversed. Per step: the recurrent part of dh from the
 * next step's DH (one [B, nR] x [nR, up4] product), then each unit's gate gradients fused on v128s of 4 units:
 * written over the gates in xz (DX) and, for GRU, hr (DH). GRU reset_after=false takes a second half per step:
 * q = dA_h R_h^T, then the reset gate's gradient.
 */
export function rnn_grad_backward_f32(
  cell: i32, xz: usize, hr: usize, hp: usize, cs: usize, dy: usize, rt: usize, st: usize, rec: usize,
  B: i32, T: i32, U: i32, up4: i32, act: i32, ract: i32, seq: i32, rev: i32, aux: usize, auxStride: i32,
): void {
  const GU = gates(cell) * U;
  const ub = <usize>U << 2;
  const gb = <usize>GU << 2;
  const pb = <usize>up4 << 2;
  const carry = st;
  const dcs = st + <usize>B * pb;
  memory.fill(st, 0, <usize>(2 * B) * pb);
  const gru = cell == 2 || cell == 3;
  const dh_src = gru ? hr : xz;
  const nR = cell == 3 ? 2 * U : GU;
  for (let s = T - 1; s >= 0; s--) {
    const t = rev ? T - 1 - s : s;
    if (s < T - 1) {
      const tn = rev ? t - 1 : t + 1;
      recProduct(dh_src + <usize>tn * gb, <usize>T * gb, rt, pb, up4 >> 2, nR, rec, pb, B);
    } else {
      memory.fill(rec, 0, <usize>B * pb);
    }
    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      const px = xz + <usize>row * gb;
      const ph = hr + <usize>row * gb;
      const prow = <usize>row * ub;
      const dyRow: usize = seq ? dy + <usize>(b * T + s) * ub : s == T - 1 ? dy + <usize>b * ub : 0;
      const cb = carry + <usize>b * pb;
      const rb = rec + <usize>b * pb;
      for (let j = 0; j < U; j += 4) {
        const jo = <usize>j << 2;
        let dh = f32x4.add(v128.load(rb + jo), v128.load(cb + jo));
        if (dyRow) dh = f32x4.add(dh, rnnLoadOut(dyRow, j, U));
        if (cell == 1) {
          const i = rnnLoadOut(px, j, U);
          const f = rnnLoadOut(px + ub, j, U);
          const g = rnnLoadOut(px + 2 * ub, j, U);
          const o = rnnLoadOut(px + 3 * ub, j, U);
          const tc = rnnAct4(rnnLoadOut(cs + prow, j, U), act);
          const cp = s > 0 ? rnnLoadOut(cs + <usize>(b * T + (rev ? t + 1 : t - 1)) * ub, j, U) : f32x4.splat(0);
          const dcp = dcs + <usize>b * pb + jo;
          const dc = madd(f32x4.mul(dh, o), dact4(tc, act), v128.load(dcp));
          rnnStoreOut(px, j, U, f32x4.mul(f32x4.mul(dc, g), dact4(i, ract)));
          rnnStoreOut(px + ub, j, U, f32x4.mul(f32x4.mul(dc, cp), dact4(f, ract)));
          rnnStoreOut(px + 2 * ub, j, U, f32x4.mul(f32x4.mul(dc, i), dact4(g, act)));
          rnnStoreOut(px + 3 * ub, j, U, f32x4.mul(f32x4.mul(dh, tc), dact4(o, ract)));
          v128.store(dcp, f32x4.mul(dc, f));
        } else if (cell == 0) {
          rnnStoreOut(px, j, U, f32x4.mul(dh, dact4(rnnLoadOut(px, j, U), act)));
        } else {
          const z = rnnLoadOut(px, j, U);
          const hh = rnnLoadOut(px + 2 * ub, j, U);
          const dAz = f32x4.mul(f32x4.mul(dh, f32x4.sub(rnnLoadOut(hp + prow, j, U), hh)), dact4(z, ract));
          const dAh = f32x4.mul(f32x4.mul(dh, f32x4.sub(f32x4.splat(1), z)), dact4(hh, act));
          rnnStoreOut(px, j, U, dAz);
          rnnStoreOut(px + 2 * ub, j, U, dAh);
          rnnStoreOut(ph, j, U, dAz);
          v128.store(cb + jo, f32x4.mul(dh, z));
          if (cell == 2) {
            const r = rnnLoadOut(px + ub, j, U);
            // h R_h + recurrent bias of the forward: saved (aux rows), or recomputed in hr's h columns.
            const ahh = rnnLoadOut(aux ? aux + <usize>row * <usize>auxStride : ph + 2 * ub, j, U);
            const dAr = f32x4.mul(f32x4.mul(dAh, ahh), dact4(r, ract));
            rnnStoreOut(px + ub, j, U, dAr);
            rnnStoreOut(ph + ub, j, U, dAr);
            rnnStoreOut(ph + 2 * ub, j, U, f32x4.mul(dAh, r));
          }
        }
      }
    }
    if (cell == 3) {
      // q[b, k] = sum_j dA_h[b, j] R[k, 2U + j]: rows of R^T from 2U on.
      recProduct(xz + <usize>t * gb + 2 * ub, <usize>T * gb, rt + <usize>(2 * U) * pb, pb, up4 >> 2, U, rec, pb, B);
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        const px = xz + <usize>row * gb;
        const ph = hr + <usize>row * gb;
        const prow = <usize>row * ub;
        const cb = carry + <usize>b * pb;
        const rb = rec + <usize>b * pb;
        for (let j = 0; j < U; j += 4) {
          const jo = <usize>j << 2;
          const q = v128.load(rb + jo);
          const r = rnnLoadOut(px + ub, j, U);
          const dAr = f32x4.mul(f32x4.mul(q, rnnLoadOut(hp + prow, j, U)), dact4(r, ract));
          rnnStoreOut(px + ub, j, U, dAr);
          rnnStoreOut(ph + ub, j, U, dAr);
          v128.store(cb + jo, madd(q, r, v128.load(cb + jo)));
        }
      }
    }
  }
}
