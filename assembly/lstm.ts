// LSTM cell steps (Keras gate order i, f, c, o; optional ONNX-style peepholes), on the layouts of rnn.ts.
// Weights are read packed or in Keras's layout through the block / gate strides of the param block.
// lstm_step_f32_simd is one fused step (recurrent product + gates + c/h update + masking + output) for every
// batch row; lstm_seq_f32_simd runs all T steps in one call.
import {
  RNN_P_ACT, RNN_P_AG, RNN_P_AQ, RNN_P_AUX, RNN_P_B, RNN_P_C, RNN_P_FLIP, RNN_P_H, RNN_P_MASK,
  RNN_P_MASKMODE, RNN_P_OSB, RNN_P_OST, RNN_P_OUT, RNN_P_RACT, RNN_P_REV, RNN_P_RW, RNN_P_SEQ, RNN_P_T, RNN_P_U,
  RNN_P_UP, RNN_P_WG, RNN_P_WQ, RNN_P_WS, RNN_P_XG, RNN_P_XP, RNN_P_XQ, RNN_P_XSB, RNN_P_XST, RNN_P_ZERO,
  RNN_P_H0ZERO, RNN_K_MONE, RNN_K_TWO, rnnAccumRows, rnnAct4, rnnK, rnnParam, rnnSigmoid4x4,
  rnnSigmoidRows, rnnStoreH, rnnValid,
} from './rnn';
import { madd } from './simd';

/**
 * Step s of one direction, batch rows rb0..rb1-1 (rows are independent: threads take a range each; `accs` is
 * 256 bytes of the caller's own scratch for the gate sums). A unit block is 4 units x 4 gates (4 v128 columns of
 * R); a 4-row batch block gets its 16 gate sums from rnnAccumG4 (two 2-row passes of 8 v128 accumulators, so none
 * spill), then i, f, g, o, c' and h' are computed on them in place.
 */
export function lstm_step_f32_simd(p: usize, s: i32, rb0: i32, rb1: i32, accs: usize): void {
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
  const peep = <usize>rnnParam(p, RNN_P_AUX);
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
  const cs = <usize>rnnParam(p, RNN_P_C);
  const out = <usize>rnnParam(p, RNN_P_OUT);
  const osb = <usize>rnnParam(p, RNN_P_OSB);
  const ost = <usize>rnnParam(p, RNN_P_OST);
  const outNow = out + (seq ? <usize>pos * ost : 0);
  const outPrev: usize = s == 0 ? 0 : out + (seq ? <usize>(flip ? pos + 1 : pos - 1) * ost : 0);
  const writeOut = seq || maskMode != 0 || s == T - 1;
  const zeroH = s == 0 && rnnParam(p, RNN_P_H0ZERO) != 0;
  const nq = up >> 2;
  // The Keras default (tanh, sigmoid, no peepholes): every activation through rnnSigmoid4x4.
  const fast = act == 4 && ract == 2 && !peep;
  for (let q = 0; q < nq; q++) {
    const wq = rw + <usize>q * wqs;
    const j0 = q << 2;
    let pi = f32x4.splat(0), pf = pi, po = pi;
    if (peep) {
      const pq = peep + <usize>q * aqs;
      pi = v128.load(pq);
      pf = v128.load(pq + ag);
      po = v128.load(pq + 2 * ag);
    }
    if (fast) {
      // All of the range's gate sums first (the scratch holds 64 bytes per row), then the cell updates back to
      // back, so one block's activation chains can overlap the next's (within noise of block by block at b32).
      for (let b0 = rb0; b0 < rb1; ) {
        const rows = rb1 - b0 >= 4 ? 4 : 1;
        // the sums start from x W + b (gate columns xg apart)
        rnnAccumRows(4, rows, zeroH, hPrev + <usize>b0 * rowBytes, rowBytes, wq, ws, wg, u, accs + (<usize>(b0 - rb0) << 6),
          xp + <usize>b0 * xsb + <usize>q * xqs, xsb, xg);
        b0 += rows;
      }
      for (let b0 = rb0; b0 < rb1; ) {
        const rows = rb1 - b0 >= 4 ? 4 : 1;
        lstmBlockSigmoidTanh(rows, b0, accs + (<usize>(b0 - rb0) << 6), cs, hPrev, hNext, rowBytes, q, maskMode, mask, t, T, writeOut, zero, outNow, outPrev, osb, j0, u);
        b0 += rows;
      }
      continue;
    }
    for (let b0 = rb0; b0 < rb1; ) {
      const rows = rb1 - b0 >= 4 ? 4 : 1;
      rnnAccumRows(4, rows, zeroH, hPrev + <usize>b0 * rowBytes, rowBytes, wq, ws, wg, u, accs);
      // Two passes over the block's rows, so the OoO core overlaps independent activations: each row's
      // gate activations depend only on its own sums (one row at a time, c' and tanh(c') would wait on them).
      // 1: i, f, g (and o without peepholes) activated, in place over the sums.
      for (let r = 0; r < rows; r++) {
        const b = b0 + r;
        const acc = accs + (<usize>r << 6);
        const xq = xp + <usize>b * xsb + <usize>q * xqs;
        let gi = f32x4.add(v128.load(acc), v128.load(xq));
        let gf = f32x4.add(v128.load(acc, 16), v128.load(xq + xg));
        const gg = f32x4.add(v128.load(acc, 32), v128.load(xq + 2 * xg));
        const go = f32x4.add(v128.load(acc, 48), v128.load(xq + 3 * xg));
        if (peep) {
          const c = v128.load(cs + <usize>b * rowBytes + (<usize>q << 4));
          gi = madd(pi, c, gi);
          gf = madd(pf, c, gf);
        }
        v128.store(acc, rnnAct4(gi, ract));
        v128.store(acc, rnnAct4(gf, ract), 16);
        v128.store(acc, rnnAct4(gg, act), 32);
        v128.store(acc, peep ? go : rnnAct4(go, ract), 48);
      }
      // 2: c' = f c + i g, h' = o act(c'), masking and the output.
      for (let r = 0; r < rows; r++) {
        const b = b0 + r;
        const acc = accs + (<usize>r << 6);
        const sq = <usize>b * rowBytes + (<usize>q << 4);
        const c2 = madd(v128.load(acc, 16), v128.load(cs + sq), f32x4.mul(v128.load(acc), v128.load(acc, 32)));
        let o = v128.load(acc, 48);
        if (peep) o = rnnAct4(madd(po, c2, o), ract);
        const h2 = f32x4.mul(o, rnnAct4(c2, act));
        const ok = rnnValid(maskMode, mask, b, t, T);
        if (ok) v128.store(cs + sq, c2);
        rnnStoreH(ok, h2, hPrev, hNext, sq, writeOut, outNow, outPrev, osb, b, j0, u, zero);
      }
      b0 += rows;
    }
  }
}

/**
 * The cell update of one unit block for `rows` (4 or 1) batch rows after their gate sums (x W + b included; at accs, rows 64 bytes
 * apart), sigmoid gates and tanh: i, f, o, g of a row as one rnnSigmoid4x4 (g as 2 sigmoid(2x) - 1),
 * then tanh(c') of the 4 rows as another. A single row repeats its own pointers, so every row takes the same
 * arithmetic.
 */
// @ts-ignore: decorator
@inline
function lstmBlockSigmoidTanh(rows: i32, b0: i32, accs: usize, cs: usize,
  hPrev: usize, hNext: usize, rowBytes: usize, q: i32, maskMode: i32, mask: usize, t: i32, T: i32, writeOut: i32,
  zero: i32, outNow: usize, outPrev: usize, osb: usize, j0: i32, u: i32): void {
  for (let r = 0; r < rows; r++) {
    const acc = accs + (<usize>r << 6);
    const gg = v128.load(acc, 32);
    v128.store(acc, f32x4.add(gg, gg), 32);
    rnnSigmoid4x4(acc, acc + 16, acc + 32, acc + 48);
  }
  // c' = f c + i g; 2c' into the f slot for tanh
  for (let r = 0; r < rows; r++) {
    const b = b0 + r;
    const acc = accs + (<usize>r << 6);
    const sq = <usize>b * rowBytes + (<usize>q << 4);
    const g = madd(v128.load(acc, 32), rnnK(RNN_K_TWO), rnnK(RNN_K_MONE));
    const c2 = madd(v128.load(acc, 16), v128.load(cs + sq), f32x4.mul(v128.load(acc), g));
    if (rnnValid(maskMode, mask, b, t, T)) v128.store(cs + sq, c2);
    v128.store(acc, f32x4.add(c2, c2), 16);
  }
  rnnSigmoidRows(accs, 16, rows);
  for (let r = 0; r < rows; r++) {
    const b = b0 + r;
    const acc = accs + (<usize>r << 6);
    const sq = <usize>b * rowBytes + (<usize>q << 4);
    const h2 = f32x4.mul(v128.load(acc, 48), madd(v128.load(acc, 16), rnnK(RNN_K_TWO), rnnK(RNN_K_MONE)));
    rnnStoreH(rnnValid(maskMode, mask, b, t, T), h2, hPrev, hNext, sq, writeOut, outNow, outPrev, osb, b, j0, u, zero);
  }
}

/** All T LSTM steps of one direction for batch rows rb0..rb1-1, in one call (no host round-trip). */
export function lstm_seq_f32_simd(p: usize, rb0: i32, rb1: i32, accs: usize): void {
  const T = rnnParam(p, RNN_P_T);
  for (let s = 0; s < T; s++) lstm_step_f32_simd(p, s, rb0, rb1, accs);
}
