// Masked (and re-ordered) recurrent training without mask-aware training kernels. A masked step only carries the
// state over, so a masked sequence runs the same as its valid steps alone, in processing order, packed at the
// front: the unmasked training kernels run on that packed sequence, and a batched matmul with one-hot maps moves
// rows between the two orders (forward: x -> packed x, packed h -> Keras's outputs; backward: the transposes).
// Packed steps past a sample's length see zero inputs and reach no output, so their gradients are exactly zero.

export interface MaskMaps {
  /** [batch, T, T]: packed step n of sample b reads input time P's one-hot column. */
  P: Float32Array;
  /** [batch, T, T] (sequence output) or [batch, 1, T]: each output position's packed step (a zero row: zeros). */
  Q: Float32Array;
}

export interface MaskMapOptions {
  /** The layer processes the last step first (Keras go_backwards). */
  goBackwards: boolean;
  /** Sequence output in input-time order instead of processing order (Bidirectional's backward half). */
  flipOut: boolean;
  /** Masked steps output zeros, not the previous output (Keras Bidirectional with return_sequences). */
  zeroOutputForMask: boolean;
  returnSequences: boolean;
}

/** The index maps for a host mask [B, T] (1 keep, 0 skip; null: every step taken). */
export function maskMaps(B: number, T: number, mask: Float32Array | null, o: MaskMapOptions): MaskMaps {
  const P = new Float32Array(B * T * T);
  const Q = new Float32Array(B * (o.returnSequences ? T : 1) * T);
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (let s = 0; s < T; s++) {
      const t = o.goBackwards ? T - 1 - s : s;
      const valid = !mask || mask[b * T + t] !== 0;
      if (valid) P[(b * T + n++) * T + t] = 1;
      if (!o.returnSequences) continue;
      // Keras: a masked step repeats the previous output (zeros before the first valid step).
      const pos = o.flipOut ? T - 1 - s : s;
      if (n > 0 && (valid || !o.zeroOutputForMask)) Q[(b * T + pos) * T + n - 1] = 1;
    }
    if (!o.returnSequences && n > 0) Q[b * T + n - 1] = 1;
  }
  return { P, Q };
}
