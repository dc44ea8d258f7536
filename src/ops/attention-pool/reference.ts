import type { KernelArgs } from '../../runtime/op.js';
import type { AttentionPoolNorm } from './spec.js';

/** Masked softmax over each row's steps, weighted sum of the values, optional L2 normalisation. */
export function attentionPoolReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, AttentionPoolNorm>): void {
  const [s, v, m] = inputs as [Float64Array, Float64Array, Float64Array | undefined];
  const [out, w, norm] = outputs as [Float64Array, Float64Array, Float64Array];
  const { batch: B, steps: T, dim: D } = a;
  for (let b = 0; b < B; b++) {
    const keep = (t: number) => !m || m[b * T + t] !== 0;
    let mx = -Infinity;
    for (let t = 0; t < T; t++) if (keep(t)) mx = Math.max(mx, s[b * T + t]);
    let sum = 0;
    for (let t = 0; t < T; t++) {
      w[b * T + t] = keep(t) ? Math.exp(s[b * T + t] - mx) : 0;
      sum += w[b * T + t];
    }
    for (let t = 0; t < T; t++) w[b * T + t] = sum > 0 ? w[b * T + t] / sum : 0;
    let ss = 0;
    for (let d = 0; d < D; d++) {
      let p = 0;
      for (let t = 0; t < T; t++) p += w[b * T + t] * v[(b * T + t) * D + d];
      out[b * D + d] = p;
      ss += p * p;
    }
    norm[b] = Math.sqrt(ss);
    if (a.normalize) {
      const inv = 1 / Math.sqrt(Math.max(ss, a.epsilon));
      for (let d = 0; d < D; d++) out[b * D + d] *= inv;
    }
  }
}

/** dp = (dOut - out (out . dOut)) / max(norm, sqrt(eps)) when normalised (else dOut); then dValues, dScores. */
export function attentionPoolGradReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, AttentionPoolNorm>): void {
  const [w, v, o, n, dO] = inputs as Float64Array[];
  const [ds, dv] = outputs as [Float64Array, Float64Array];
  const { batch: B, steps: T, dim: D } = a;
  const dp = new Float64Array(D);
  for (let b = 0; b < B; b++) {
    let od = 0;
    for (let d = 0; d < D; d++) od += o[b * D + d] * dO[b * D + d];
    const len = Math.max(n[b], Math.sqrt(a.epsilon));
    // p = out * norm when normalised (out = p otherwise).
    let pdp = 0;
    for (let d = 0; d < D; d++) {
      dp[d] = a.normalize ? (dO[b * D + d] - o[b * D + d] * od) / len : dO[b * D + d];
      pdp += (a.normalize ? o[b * D + d] * n[b] : o[b * D + d]) * dp[d];
    }
    for (let t = 0; t < T; t++) {
      const wt = w[b * T + t];
      let vdp = 0;
      for (let d = 0; d < D; d++) {
        vdp += v[(b * T + t) * D + d] * dp[d];
        dv[(b * T + t) * D + d] = wt * dp[d];
      }
      ds[b * T + t] = wt * (vdp - pdp);
    }
  }
}
