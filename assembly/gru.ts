// GRU cell steps (Keras gate order z, r, h), both variants, on the layouts of rnn.ts:
// - resetAfter (Keras 2 / tfjs default, cuDNN): hh = act(x_h + r * (h R_h + b_rh)): one pass, 4 units x 3 gates
//   = 3 v128 columns, 12 accumulators per 4-row block;
// - resetAfter=false (original GRU, ONNX linear_before_reset=0): hh = act(x_h + (r * h) R_h) needs r of every
//   unit before the product, so a step has two passes: z, r and r*h (gate columns 0, 1), then (r*h) R_h (column
//   2) and the update.
import {
  RNN_P_ACT, RNN_P_AUX, RNN_P_B, RNN_P_FLIP, RNN_P_H, RNN_P_MASK, RNN_P_MASKMODE, RNN_P_OSB, RNN_P_OST,
  RNN_P_OUT, RNN_P_RACT, RNN_P_RESET_AFTER, RNN_P_REV, RNN_P_RH, RNN_P_RW, RNN_P_SEQ, RNN_P_T, RNN_P_U, RNN_P_UP,
  RNN_P_XP, RNN_P_XSB, RNN_P_XST, RNN_P_Z, RNN_P_ZERO, RNN_P_WQ, RNN_P_WS, RNN_P_WG, RNN_P_XQ, RNN_P_XG, RNN_P_AQ,
  RNN_P_AG, RNN_P_H0ZERO, RNN_K_MONE, RNN_K_ONE, RNN_K_TWO, rnnAccumRows, rnnAct4, rnnK, rnnParam,
  rnnSigmoid4x4, rnnSigmoidRows, rnnStoreH, rnnValid,
} from './rnn';
import { madd } from './simd';

/**
 * Step s of one direction, batch rows rb0..rb1-1 (rows are independent: threads take a range each; `accs` is 256
 * bytes of the caller's own scratch for the gate sums).
 */
export function gru_step_f32_simd(p: usize, s: i32, rb0: i32, rb1: i32, accs: usize): void {
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
  const ract = rnnParam(p, RNN_P_RACT);
  const zero = rnnParam(p, RNN_P_ZERO);
  const rbias = <usize>rnnParam(p, RNN_P_AUX);
  const after = rnnParam(p, RNN_P_RESET_AFTER);
  const xp = <usize>rnnParam(p, RNN_P_XP) + <usize>t * <usize>rnnParam(p, RNN_P_XST);
  const xsb = <usize>rnnParam(p, RNN_P_XSB);
  const rw = <usize>rnnParam(p, RNN_P_RW);
  const wqs = <usize>rnnParam(p, RNN_P_WQ);
  const ws = <usize>rnnParam(p, RNN_P_WS);
  const wg = <usize>rnnParam(p, RNN_P_WG);
  const xqs = <usize>rnnParam(p, RNN_P_XQ);
  const xg = <usize>rnnParam(p, RNN_P_XG);
  const aqs = <usize>rnnParam(p, RNN_P_AQ);
  const ag = <usize>rnnParam(p, RNN_P_AG);
  const rowBytes = <usize>up << 2;
  const hBase = <usize>rnnParam(p, RNN_P_H);
  const hPrev = hBase + (s & 1 ? <usize>B * rowBytes : 0);
  const hNext = hBase + (s & 1 ? 0 : <usize>B * rowBytes);
  const zs = <usize>rnnParam(p, RNN_P_Z);
  const rhs = <usize>rnnParam(p, RNN_P_RH);
  const out = <usize>rnnParam(p, RNN_P_OUT);
  const osb = <usize>rnnParam(p, RNN_P_OSB);
  const ost = <usize>rnnParam(p, RNN_P_OST);
  const outNow = out + (seq ? <usize>pos * ost : 0);
  const outPrev: usize = s == 0 ? 0 : out + (seq ? <usize>(flip ? pos + 1 : pos - 1) * ost : 0);
  const writeOut = seq || maskMode != 0 || s == T - 1;
  const zeroH = s == 0 && rnnParam(p, RNN_P_H0ZERO) != 0;
  const nq = up >> 2;
  // The Keras default (tanh, sigmoid): z and r of two rows per rnnSigmoid4x4, the candidates' tanh (as
  // 2 sigmoid(2x) - 1) of four. A single row's block repeats its pointers (and skips the second z, r call).
  const fast = act == 4 && ract == 2;

  if (!after) {
    // Pass 1: z and r * h for every unit (z = ract(x_z + h R_z), r = ract(x_r + h R_r)).
    for (let q = 0; q < nq; q++) {
      const wq = rw + <usize>q * wqs;
      for (let b0 = rb0; b0 < rb1; ) {
        const rows = rb1 - b0 >= 4 ? 4 : 1;
        // the sums start from x W + b (z and r columns xg apart)
        rnnAccumRows(2, rows, zeroH, hPrev + <usize>b0 * rowBytes, rowBytes, wq, ws, wg, u, accs, xp + <usize>b0 * xsb + <usize>q * xqs, xsb, xg);
        if (fast) {
          gruSigmoidZR(rows, accs);
          for (let r = 0; r < rows; r++) {
            const acc = accs + (<usize>r << 6);
            const sq = <usize>(b0 + r) * rowBytes + (<usize>q << 4);
            v128.store(zs + sq, v128.load(acc));
            v128.store(rhs + sq, f32x4.mul(v128.load(acc, 16), v128.load(hPrev + sq)));
          }
          b0 += rows;
          continue;
        }
        for (let r = 0; r < rows; r++) {
          const b = b0 + r;
          const acc = accs + (<usize>r << 6);
          const sq = <usize>b * rowBytes + (<usize>q << 4);
          v128.store(zs + sq, rnnAct4(v128.load(acc), ract));
          const rg = rnnAct4(v128.load(acc, 16), ract);
          v128.store(rhs + sq, f32x4.mul(rg, v128.load(hPrev + sq)));
        }
        b0 += rows;
      }
    }
  }

  if (!after) {
    // Pass 2: (r * h) R_h for 4 unit blocks at once (their candidate columns lie wqs apart), 4 rows x 4 columns of
    // sums as LSTM's product: one block's single column kept the FMA pipes half busy (14 vs 31 GMAC/s). Then the
    // candidates and the update; acc[r][i] (accs + 64 r + 16 i) belongs to row b0 + r, block q + i.
    for (let q = 0; q < nq; ) {
      const nb = nq - q >= 4 ? 4 : 1;
      const wq = rw + <usize>q * wqs + 2 * wg;
      for (let b0 = rb0; b0 < rb1; ) {
        const rows = rb1 - b0 >= 4 ? 4 : 1;
        const a = rhs + <usize>b0 * rowBytes;
        // the sums start from x_h (blocks xqs apart)
        const xh = xp + <usize>b0 * xsb + <usize>q * xqs + 2 * xg;
        if (nb == 4) rnnAccumRows(4, rows, zeroH, a, rowBytes, wq, ws, wqs, u, accs, xh, xsb, xqs);
        else rnnAccumRows(1, rows, zeroH, a, rowBytes, wq, ws, wg, u, accs, xh, xsb);
        for (let r = 0; r < rows; r++) {
          for (let i = 0; i < nb; i++) {
            const acc = accs + (<usize>r << 6) + (<usize>i << 4);
            const hp = v128.load(acc);
            // fast: 2 x the pre-activation, for tanh x = 2 sigmoid(2x) - 1
            v128.store(acc, fast ? f32x4.add(hp, hp) : rnnAct4(hp, act));
          }
        }
        if (fast) {
          if (nb == 4) {
            for (let r = 0; r < rows; r++) {
              const acc = accs + (<usize>r << 6);
              rnnSigmoid4x4(acc, acc + 16, acc + 32, acc + 48);
            }
          } else {
            rnnSigmoidRows(accs, 0, rows);
          }
        }
        for (let r = 0; r < rows; r++) {
          const b = b0 + r;
          const ok = rnnValid(maskMode, mask, b, t, T);
          for (let i = 0; i < nb; i++) {
            const acc = accs + (<usize>r << 6) + (<usize>i << 4);
            const sq = <usize>b * rowBytes + (<usize>(q + i) << 4);
            const h = v128.load(hPrev + sq);
            const z = v128.load(zs + sq);
            let h2: v128;
            if (fast) {
              // h' = z h + (1 - z) hh = hh + z (h - hh)
              const hh = madd(v128.load(acc), rnnK(RNN_K_TWO), rnnK(RNN_K_MONE));
              h2 = madd(z, f32x4.sub(h, hh), hh);
            } else {
              h2 = madd(z, h, f32x4.mul(f32x4.sub(rnnK(RNN_K_ONE), z), v128.load(acc)));
            }
            rnnStoreH(ok, h2, hPrev, hNext, sq, writeOut, outNow, outPrev, osb, b, (q + i) << 2, u, zero);
          }
        }
        b0 += rows;
      }
      q += nb;
    }
    return;
  }

  // resetAfter: the whole step in one pass, 3 gate columns per unit block.
  for (let q = 0; q < nq; q++) {
    const wq = rw + <usize>q * wqs;
    const j0 = q << 2;
    let bz = f32x4.splat(0), br = bz, bh = bz;
    if (rbias) {
      const pq = rbias + <usize>q * aqs;
      bz = v128.load(pq);
      br = v128.load(pq + ag);
      bh = v128.load(pq + 2 * ag);
    }
    for (let b0 = rb0; b0 < rb1; ) {
      const rows = rb1 - b0 >= 4 ? 4 : 1;
      rnnAccumRows(3, rows, zeroH, hPrev + <usize>b0 * rowBytes, rowBytes, wq, ws, wg, u, accs);
      if (fast) {
        // z and r activated into acc slots 0 and 16, 2 x the candidate's pre-activation into slot 48
        for (let r = 0; r < rows; r++) {
          const acc = accs + (<usize>r << 6);
          const xq = xp + <usize>(b0 + r) * xsb + <usize>q * xqs;
          v128.store(acc, f32x4.add(f32x4.add(v128.load(acc), bz), v128.load(xq)));
          v128.store(acc, f32x4.add(f32x4.add(v128.load(acc, 16), br), v128.load(xq + xg)), 16);
        }
        gruSigmoidZR(rows, accs);
        for (let r = 0; r < rows; r++) {
          const acc = accs + (<usize>r << 6);
          const xq = xp + <usize>(b0 + r) * xsb + <usize>q * xqs;
          const hp = madd(v128.load(acc, 16), f32x4.add(v128.load(acc, 32), bh), v128.load(xq + 2 * xg));
          v128.store(acc, f32x4.add(hp, hp), 48);
        }
        rnnSigmoidRows(accs, 48, rows);
        for (let r = 0; r < rows; r++) {
          const b = b0 + r;
          const acc = accs + (<usize>r << 6);
          const sq = <usize>b * rowBytes + (<usize>q << 4);
          const h = v128.load(hPrev + sq);
          const z = v128.load(acc);
          const hh = madd(v128.load(acc, 48), rnnK(RNN_K_TWO), rnnK(RNN_K_MONE));
          // h' = z h + (1 - z) hh = hh + z (h - hh)
          const h2 = madd(z, f32x4.sub(h, hh), hh);
          rnnStoreH(rnnValid(maskMode, mask, b, t, T), h2, hPrev, hNext, sq, writeOut, outNow, outPrev, osb, b, j0, u, zero);
        }
        b0 += rows;
        continue;
      }
      // z and r of every row of the block first (independent activations the core overlaps), then the
      // candidates, which need r.
      for (let r = 0; r < rows; r++) {
        const acc = accs + (<usize>r << 6);
        const xq = xp + <usize>(b0 + r) * xsb + <usize>q * xqs;
        v128.store(acc, rnnAct4(f32x4.add(f32x4.add(v128.load(acc), bz), v128.load(xq)), ract));
        v128.store(acc, rnnAct4(f32x4.add(f32x4.add(v128.load(acc, 16), br), v128.load(xq + xg)), ract), 16);
      }
      for (let r = 0; r < rows; r++) {
        const b = b0 + r;
        const acc = accs + (<usize>r << 6);
        const xq = xp + <usize>b * xsb + <usize>q * xqs;
        const sq = <usize>b * rowBytes + (<usize>q << 4);
        const h = v128.load(hPrev + sq);
        const z = v128.load(acc);
        const hh = rnnAct4(madd(v128.load(acc, 16), f32x4.add(v128.load(acc, 32), bh), v128.load(xq + 2 * xg)), act);
        // h' = z h + (1 - z) hh
        const h2 = madd(z, h, f32x4.mul(f32x4.sub(rnnK(RNN_K_ONE), z), hh));
        rnnStoreH(rnnValid(maskMode, mask, b, t, T), h2, hPrev, hNext, sq, writeOut, outNow, outPrev, osb, b, j0, u, zero);
      }
      b0 += rows;
    }
  }
}

/** In place, sigmoid of z and r (acc slots 0 and 16) of a block's rows (4, or 1: pointers repeat). */
// @ts-ignore: decorator
@inline
function gruSigmoidZR(rows: i32, accs: usize): void {
  const r1: usize = rows > 1 ? 64 : 0;
  rnnSigmoid4x4(accs, accs + 16, accs + r1, accs + r1 + 16);
  if (rows > 1) rnnSigmoid4x4(accs + 128, accs + 144, accs + 192, accs + 208);
}

/** All T GRU steps of one direction for batch rows rb0..rb1-1, in one call. */
export function gru_seq_f32_simd(p: usize, rb0: i32, rb1: i32, accs: usize): void {
  const T = rnnParam(p, RNN_P_T);
  for (let s = 0; s < T; s++) gru_step_f32_simd(p, s, rb0, rb1, accs);
}
