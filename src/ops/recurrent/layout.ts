import type { RecurrentNorm } from './spec.js';

/**
 * The packed layouts the wasm and webgpu kernels share (see assembly/rnn.ts and shaders/rnn.wgsl): units padded
 * to `up` (a multiple of UB), gates interleaved per unit block, both directions' input projections side by side
 * in one [rows, N] matrix. All sizes in f32 elements.
 */
export interface RecurrentLayout {
  /** Units per block. */
  UB: number;
  /** Padded units. */
  up: number;
  /** Unit blocks. */
  nq: number;
  /** Columns of the input projection XP: dirs * G * up. */
  N: number;
  /** Rows of XP (= x rows in memory order). */
  rows: number;
  /** XP elements between batch rows / time steps. */
  xsb: number;
  xst: number;
  /** Output (or per-direction output scratch) elements between batch rows / time positions, and per direction. */
  osb: number;
  ost: number;
  /** Column offset of direction d in the output (concat) or element offset of its scratch copy (other merges). */
  outDirOffset: number;
  /** Per-direction output in a scratch buffer (sum / mul / ave merges), merged afterwards. */
  mergeScratch: boolean;
  /** Size of one output (the op's output 0). */
  outSize: number;
  /** Packed recurrent kernel per direction: u * G * up. */
  rwSize: number;
}

export function recurrentLayout(a: RecurrentNorm, UB: number): RecurrentLayout {
  const { batch: B, steps: T, units: u, G, dirs } = a;
  const up = Math.ceil(u / UB) * UB;
  const N = dirs * G * up;
  const rows = B * T;
  const mergeScratch = a.merge !== null && a.merge !== 'concat';
  // Each direction writes rows of `u` values into a row of width W: the output itself, or its own scratch.
  const W = mergeScratch ? u : a.outUnits;
  const outSize = (a.returnSequences ? B * T : B) * a.outUnits;
  let osb: number;
  let ost: number;
  if (!a.returnSequences) {
    osb = W;
    ost = 0;
  } else if (a.timeMajor) {
    osb = W;
    ost = B * W;
  } else {
    osb = T * W;
    ost = W;
  }
  return {
    UB,
    up,
    nq: up / UB,
    N,
    rows,
    xsb: a.timeMajor ? N : T * N,
    xst: a.timeMajor ? B * N : N,
    osb,
    ost,
    outDirOffset: mergeScratch ? outSize : u,
    mergeScratch,
    outSize,
    rwSize: u * G * up,
  };
}
