import type { KernelArgs } from '../../runtime/op.js';
import { activateRef } from '../activation/spec.js';
import { batchOffsets, type MatmulNorm } from './spec.js';

/** Plain triple loop per batch, f64 accumulation, then bias and activation. */
export function matmulReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, MatmulNorm>): void {
  const [a, b, bias, prelu] = inputs;
  const out = outputs[0]!;
  const { m, k, n, transposeA, transposeB } = attrs;
  for (let z = 0; z < attrs.batch; z++) {
    const [oa, ob] = batchOffsets(attrs, z);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = a![oa + (transposeA ? p * m + i : i * k + p)]!;
          const bv = b![ob + (transposeB ? j * k + p : p * n + j)]!;
          s += av * bv;
        }
        if (bias) s += bias[j]!;
        out[(z * m + i) * n + j] = activateRef(s, attrs.activation, prelu ? prelu[j]! : attrs.alpha);
      }
    }
  }
}
