import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { prepareMatmul } from '../matmul/spec.js';
import { matmulWasm } from '../matmul/wasm.js';
import { writeI32 } from '../wasm-util.js';
import { recurrentLayout } from './layout.js';
import { dirSlot, direction, IN, type RecurrentNorm } from './spec.js';

/** Param slots of assembly/rnn.ts (RNN_P_*). */
const P = {
  B: 0, U: 1, UP: 2, T: 3, XP: 4, XSB: 5, XST: 6, RW: 7, AUX: 8, MASK: 9, MASKMODE: 10, H: 11, C: 12, Z: 13, RH: 14,
  OUT: 15, OSB: 16, OST: 17, SEQ: 18, ACT: 19, RACT: 20, ZERO: 21, REV: 22, FLIP: 23, RESET_AFTER: 24, SIZE: 32,
} as const;

const SEQ_KERNEL = { lstm: 'lstm_seq_f32_simd', gru: 'gru_seq_f32_simd', simpleRnn: 'simple_rnn_seq_f32_simd' } as const;
const MERGE_CODE = { sum: 1, mul: 2, ave: 3 } as const;

/**
 * Packs the weights into the interleaved layouts, precomputes x W + b for every step and both directions with one
 * GEMM (the matmul op's kernels), then runs each direction's whole sequence in one call (lstm_seq_f32_simd...).
 */
export function recurrentWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, RecurrentNorm>): void {
  const { batch: B, steps: T, features: F, units: u, G, dirs } = a;
  // SimpleRNN has one gate: blocks of 16 units keep the 4 x 16 register block of the other cells.
  const L = recurrentLayout(a, G === 1 ? 16 : 4);
  const { up, N } = L;
  const stateSize = 5 * B * up;
  const sizes = [F * N, N, L.rows * N, dirs * L.rwSize, dirs * 3 * up, dirs * stateSize, dirs * P.SIZE, L.mergeScratch ? dirs * L.outSize : 1];
  be.withScratch(sizes, (wp, bp, xp, rw, aux, st, prm, ms) => {
    const gateBias = a.cell === 'gru' && a.resetAfter;
    for (let d = 0; d < dirs; d++) {
      const w = inputs[dirSlot(d, 'kernel')]!;
      const r = inputs[dirSlot(d, 'recurrentKernel')]!;
      const bias = inputs[dirSlot(d, 'bias')];
      const colOff = d * G * up * 4;
      be.call('rnn_pack_rows_f32', w.ptr, F, u, G, L.UB, wp + colOff, N);
      // Input bias (GRU resetAfter: row 0 of [2, 3u]); absent: zeros.
      be.call('rnn_pack_rows_f32', bias?.ptr ?? 0, 1, u, G, L.UB, bp + colOff, N);
      be.call('rnn_pack_panels_f32', r.ptr, u, u, G, L.UB, rw + d * L.rwSize * 4);
      const peep = inputs[dirSlot(d, 'peephole')];
      if (peep) be.call('rnn_pack_rows_f32', peep.ptr, 1, u, 3, L.UB, aux + d * 3 * up * 4, 0);
      if (gateBias && bias) be.call('rnn_pack_rows_f32', bias.ptr + 3 * u * 4, 1, u, 3, L.UB, aux + d * 3 * up * 4, 0);
      const s0 = st + d * stateSize * 4;
      be.call('rnn_pad_rows_f32', inputs[dirSlot(d, 'initialH')]?.ptr ?? 0, B, u, up, s0);
      if (a.cell === 'lstm') be.call('rnn_pad_rows_f32', inputs[dirSlot(d, 'initialC')]?.ptr ?? 0, B, u, up, s0 + 2 * B * up * 4);
    }

    // XP [rows, N] = x [rows, F] @ W' + b': one GEMM for every step of both directions.
    const mm = prepareMatmul([[L.rows, F], [F, N], [N]], {}).attrs;
    const st_ = (ptr: number, size: number): WasmStorage => ({ ptr, size });
    matmulWasm(be, {
      inputs: [inputs[IN.x]!, st_(wp, F * N), st_(bp, N), undefined],
      inShapes: [[L.rows, F], [F, N], [N], undefined],
      outputs: [st_(xp, L.rows * N)],
      outShapes: [[L.rows, N]],
      attrs: mm,
    });

    const out = outputs[0]!;
    const mask = inputs[IN.mask];
    for (let d = 0; d < dirs; d++) {
      const { reversed, flipOut } = direction(a, d);
      const s0 = st + d * stateSize * 4;
      const outBase = L.mergeScratch ? ms + d * L.outSize * 4 : out.ptr + d * L.outDirOffset * 4;
      const hasAux = !!inputs[dirSlot(d, 'peephole')] || (gateBias && !!inputs[dirSlot(d, 'bias')]);
      const p = new Array<number>(P.SIZE).fill(0);
      p[P.B] = B;
      p[P.U] = u;
      p[P.UP] = up;
      p[P.T] = T;
      p[P.XP] = xp + d * G * up * 4;
      p[P.XSB] = L.xsb * 4;
      p[P.XST] = L.xst * 4;
      p[P.RW] = rw + d * L.rwSize * 4;
      p[P.AUX] = hasAux ? aux + d * 3 * up * 4 : 0;
      p[P.MASK] = mask?.ptr ?? 0;
      p[P.MASKMODE] = a.maskMode;
      p[P.H] = s0;
      p[P.C] = s0 + 2 * B * up * 4;
      p[P.Z] = s0 + 3 * B * up * 4;
      p[P.RH] = s0 + 4 * B * up * 4;
      p[P.OUT] = outBase;
      p[P.OSB] = L.osb * 4;
      p[P.OST] = L.ost * 4;
      p[P.SEQ] = a.returnSequences ? 1 : 0;
      p[P.ACT] = a.act;
      p[P.RACT] = a.ract;
      p[P.ZERO] = a.zeroOutputForMask ? 1 : 0;
      p[P.REV] = reversed ? 1 : 0;
      p[P.FLIP] = flipOut ? 1 : 0;
      p[P.RESET_AFTER] = a.resetAfter ? 1 : 0;
      const pd = prm + d * P.SIZE * 4;
      writeI32(be, pd, p);
      be.call(SEQ_KERNEL[a.cell], pd);
    }

    if (L.mergeScratch) be.call('rnn_merge_f32', ms, ms + L.outSize * 4, out.ptr, L.outSize, MERGE_CODE[a.merge as 'sum']);
    if (a.returnState) {
      let o = 1;
      for (let d = 0; d < dirs; d++) {
        const s0 = st + d * stateSize * 4;
        // After T steps the last h sits in ping-pong half T % 2.
        be.call('rnn_unpad_rows_f32', s0 + (T % 2) * B * up * 4, B, up, u, outputs[o++]!.ptr);
        if (a.cell === 'lstm') be.call('rnn_unpad_rows_f32', s0 + 2 * B * up * 4, B, up, u, outputs[o++]!.ptr);
      }
    }
  });
}
