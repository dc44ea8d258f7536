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
  OUT: 15, OSB: 16, OST: 17, SEQ: 18, ACT: 19, RACT: 20, ZERO: 21, REV: 22, FLIP: 23, RESET_AFTER: 24,
  WQ: 25, WS: 26, WG: 27, XQ: 28, XG: 29, AQ: 30, AG: 31, H0ZERO: 32, SIZE: 33,
} as const;

const SEQ_KERNEL = { lstm: 'lstm_seq_f32_simd', gru: 'gru_seq_f32_simd', simpleRnn: 'simple_rnn_seq_f32_simd' } as const;
const MERGE_CODE = { sum: 1, mul: 2, ave: 3 } as const;

/** R as unit-block panels (rnn_pack_panels_f32), packed once per weight storage and content version. */
function packedPanels(be: WasmBackend, r: WasmStorage, u: number, G: number, UB: number): number {
  const up = Math.ceil(u / UB) * UB;
  return be.derived(r, `rnn-panels:${u},${G},${UB}`, u * G * up, (dst) => be.call('rnn_pack_panels_f32', r.ptr, u, u, G, UB, dst)).ptr;
}

/**
 * out [rows, n] = x [rows, F] W [F, n] + bias with the matmul op's 2 x 16 microkernel on W's 16-column panels,
 * packed once per weight storage (the matmul op repacks its B on every call: constant weights need not).
 */
function cachedGemm(be: WasmBackend, x: number, rows: number, F: number, w: WasmStorage, bias: WasmStorage | undefined, out: number, n: number): void {
  const panels = be.derived(w, `rnn-gemm-x16:${F},${n}`, Math.ceil(n / 16) * 16 * F, (dst) => be.call('gemm_f32_pack_b_x16', w.ptr, F, n, 0, dst)).ptr;
  const blocks = Math.ceil(rows / 4);
  be.parallel('gemm_f32_2x16_simd', blocks, Math.max(1, Math.ceil(4096 / Math.max(1, (n * F) / 64))), (first, count) => {
    const r0 = first * 4;
    return [x + r0 * F * 4, panels, out + r0 * n * 4, Math.min(rows, (first + count) * 4) - r0, n, F, bias?.ptr ?? 0, 0, 0, 0];
  });
}

/**
 * x W + b for every step with one GEMM per direction, then each direction's whole sequence in one call per thread
 * (lstm_seq_f32_simd... over a range of batch rows). Constant weights are packed once, not per call: W into the
 * GEMM's 16-column panels and R into unit-block panels, both cached by the backend per weight storage (derived();
 * an optimiser step invalidates them). Units a multiple of the block (4; SimpleRNN 16): x W + b comes out in Keras's
 * gate layout and biases / peepholes are read in place. Otherwise W, biases and peepholes are packed per call into
 * unit-padded, gate-interleaved copies (assembly/rnn.ts), both directions' projections in one GEMM.
 */
export function recurrentWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, RecurrentNorm>): void {
  const { batch: B, steps: T, features: F, units: u, G, dirs } = a;
  // SimpleRNN has one gate: blocks of 16 units keep the 4 x 16 register block of the other cells.
  const UB = G === 1 ? 16 : 4;
  const L = recurrentLayout(a, UB);
  // Units a multiple of the block: x W + b in Keras's gate layout, biases and peepholes read in place. R is always
  // read as packed panels (one contiguous k x G*UB block per unit block): read in place it strides G*u*4 bytes
  // from row to row, and at large u those rows land in the same few cache sets (b32 1024->1024 LSTM step: 53 ms
  // in place, 21 ms packed per call, 14 ms packed once and cached).
  const inPlace = u % UB === 0;
  const { up } = L;
  const stateSize = 5 * B * up;
  const gateBias = a.cell === 'gru' && a.resetAfter;
  // Projection columns per direction and in all; packed: both directions side by side in one [rows, N] matrix.
  const nd = G * up;
  const N = inPlace ? nd : dirs * nd;
  const xpSize = inPlace ? dirs * L.rows * nd : L.rows * N;
  const sizes = inPlace
    ? [1, 1, xpSize, 1, dirs * stateSize, dirs * P.SIZE, L.mergeScratch ? dirs * L.outSize : 1]
    : [F * N, N, xpSize, dirs * 3 * up, dirs * stateSize, dirs * P.SIZE, L.mergeScratch ? dirs * L.outSize : 1];
  // Batch rows are independent: threads take blocks of 4 rows each (at least ~64K MACs of recurrence apiece),
  // each with its own accumulator scratch of 64 bytes per row (256 per block; LSTM's fast path fills all of it).
  const blocks = Math.ceil(B / 4);
  const macsPerBlock = 4 * T * G * u * u;
  const minBlocks = Math.max(1, Math.ceil(65536 / macsPerBlock));
  sizes.push(blocks * 64);
  be.withScratch(sizes, (wp, bp, xp, aux, st, prm, ms, accs) => {
    const st_ = (ptr: number, size: number): WasmStorage => ({ ptr, size });
    const gemm = (w: WasmStorage, bias: WasmStorage | undefined, out: number, n: number) =>
      // Under 4 rows, the row kernel reads W in place (what the matmul op does, minus its set-up).
      L.rows < 4
        ? be.call('gemm_f32_1x16_simd', inputs[IN.x]!.ptr, F * 4, 4, w.ptr, out, L.rows, n, F, bias?.ptr ?? 0, 0, 0, 0)
        : w.ptr !== wp
          ? cachedGemm(be, inputs[IN.x]!.ptr, L.rows, F, w, bias, out, n)
          : matmulWasm(be, {
        inputs: [inputs[IN.x]!, w, bias, undefined],
        inShapes: [[L.rows, F], [F, n], bias ? [n] : undefined, undefined],
        outputs: [st_(out, L.rows * n)],
        outShapes: [[L.rows, n]],
        attrs: prepareMatmul([[L.rows, F], [F, n], bias ? [n] : undefined], {}).attrs,
      });

    for (let d = 0; d < dirs; d++) {
      const s0 = st + d * stateSize * 4;
      be.call('rnn_pad_rows_f32', inputs[dirSlot(d, 'initialH')]?.ptr ?? 0, B, u, up, s0);
      if (a.cell === 'lstm') be.call('rnn_pad_rows_f32', inputs[dirSlot(d, 'initialC')]?.ptr ?? 0, B, u, up, s0 + 2 * B * up * 4);
      if (inPlace) {
        // XP_d [rows, G*u] = x W_d + b_d (GRU resetAfter: the bias's first row, its first 3u values)
        gemm(inputs[dirSlot(d, 'kernel')]!, inputs[dirSlot(d, 'bias')], xp + d * L.rows * nd * 4, nd);
        continue;
      }
      const bias = inputs[dirSlot(d, 'bias')];
      const colOff = d * nd * 4;
      be.call('rnn_pack_rows_f32', inputs[dirSlot(d, 'kernel')]!.ptr, F, u, G, UB, wp + colOff, N);
      be.call('rnn_pack_rows_f32', bias?.ptr ?? 0, 1, u, G, UB, bp + colOff, N);
      const peep = inputs[dirSlot(d, 'peephole')];
      if (peep) be.call('rnn_pack_rows_f32', peep.ptr, 1, u, 3, UB, aux + d * 3 * up * 4, 0);
      if (gateBias && bias) be.call('rnn_pack_rows_f32', bias.ptr + 3 * u * 4, 1, u, 3, UB, aux + d * 3 * up * 4, 0);
    }
    // Packed: XP [rows, N] = x W' + b', every step of both directions in one GEMM.
    if (!inPlace) gemm(st_(wp, F * N), st_(bp, N), xp, N);

    const out = outputs[0]!;
    const mask = inputs[IN.mask];
    // XP elements between batch rows / steps (rows in x's memory order: b*T + t, or t*B + b time-major)
    const xsb = a.timeMajor ? N : T * N;
    const xst = a.timeMajor ? B * N : N;
    for (let d = 0; d < dirs; d++) {
      const { reversed, flipOut } = direction(a, d);
      const s0 = st + d * stateSize * 4;
      const bias = inputs[dirSlot(d, 'bias')];
      const peep = inputs[dirSlot(d, 'peephole')];
      let auxPtr = 0;
      if (inPlace) auxPtr = peep ? peep.ptr : gateBias && bias ? bias.ptr + 3 * u * 4 : 0;
      else if (peep || (gateBias && bias)) auxPtr = aux + d * 3 * up * 4;
      const p = new Array<number>(P.SIZE).fill(0);
      p[P.B] = B;
      p[P.U] = u;
      p[P.UP] = up;
      p[P.T] = T;
      p[P.XP] = inPlace ? xp + d * L.rows * nd * 4 : xp + d * nd * 4;
      p[P.XSB] = xsb * 4;
      p[P.XST] = xst * 4;
      p[P.RW] = packedPanels(be, inputs[dirSlot(d, 'recurrentKernel')]!, u, G, UB);
      p[P.AUX] = auxPtr;
      p[P.MASK] = mask?.ptr ?? 0;
      p[P.MASKMODE] = a.maskMode;
      p[P.H] = s0;
      p[P.C] = s0 + 2 * B * up * 4;
      p[P.Z] = s0 + 3 * B * up * 4;
      p[P.RH] = s0 + 4 * B * up * 4;
      p[P.OUT] = L.mergeScratch ? ms + d * L.outSize * 4 : out.ptr + d * L.outDirOffset * 4;
      p[P.OSB] = L.osb * 4;
      p[P.OST] = L.ost * 4;
      p[P.SEQ] = a.returnSequences ? 1 : 0;
      p[P.ACT] = a.act;
      p[P.RACT] = a.ract;
      p[P.ZERO] = a.zeroOutputForMask ? 1 : 0;
      p[P.REV] = reversed ? 1 : 0;
      p[P.FLIP] = flipOut ? 1 : 0;
      p[P.RESET_AFTER] = a.resetAfter ? 1 : 0;
      p[P.H0ZERO] = inputs[dirSlot(d, 'initialH')] ? 0 : 1;
      // Block / gate strides (bytes). In place: gates u apart, blocks UB units apart. Packed: per block
      // contiguous (R: u rows of G*UB floats; XP and aux: G (3) v128 per block). SimpleRNN's 4 columns are
      // always 16 bytes apart.
      p[P.WQ] = u * G * UB * 4;
      p[P.WS] = G * UB * 4;
      p[P.WG] = 16;
      p[P.XQ] = inPlace ? UB * 4 : G * UB * 4;
      p[P.XG] = G === 1 || !inPlace ? 16 : u * 4;
      p[P.AQ] = inPlace ? 16 : 48;
      p[P.AG] = inPlace ? u * 4 : 16;
      const pd = prm + d * P.SIZE * 4;
      writeI32(be, pd, p);
      be.parallel(SEQ_KERNEL[a.cell], blocks, minBlocks, (first, count) => [pd, first * 4, Math.min(B, (first + count) * 4), accs + first * 256]);
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
