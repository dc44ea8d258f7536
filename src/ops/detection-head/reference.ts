import type { KernelArgs } from '../../runtime/op.js';
import type { DetectionHeadNorm } from './spec.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * f64 reference. The input's flat layout [n, H, W, A, K] equals the output's [n, H * W * A, K], so row r reads and
 * writes values r * K .. r * K + K - 1; its grid cell is r / A and its anchor r % A.
 */
export function detectionHeadReference(_: unknown, { inputs, outputs, attrs }: KernelArgs<Float64Array, DetectionHeadNorm>): void {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const { h, w, a, k, classes, anchors, classActivation } = attrs;
  for (let r = 0; r < attrs.rows; r++) {
    const anchor = r % a;
    const cell = Math.floor(r / a);
    const col = cell % w;
    const row = Math.floor(cell / w) % h;
    const b = r * k;
    const cx = (col + sigmoid(x[b]!)) / w;
    const cy = (row + sigmoid(x[b + 1]!)) / h;
    const bw = (Math.exp(x[b + 2]!) * anchors[2 * anchor]!) / w;
    const bh = (Math.exp(x[b + 3]!) * anchors[2 * anchor + 1]!) / h;
    const x0 = cx - bw / 2;
    const y0 = cy - bh / 2;
    out[b] = x0;
    out[b + 1] = y0;
    out[b + 2] = x0 + bw;
    out[b + 3] = y0 + bh;
    out[b + 4] = sigmoid(x[b + 4]!);
    const c0 = b + 5;
    if (classActivation === 'softmax' && classes > 0) {
      let m = -Infinity;
      for (let c = 0; c < classes; c++) m = Math.max(m, x[c0 + c]!);
      let s = 0;
      for (let c = 0; c < classes; c++) s += out[c0 + c] = Math.exp(x[c0 + c]! - m);
      for (let c = 0; c < classes; c++) out[c0 + c]! /= s;
    } else {
      for (let c = 0; c < classes; c++) out[c0 + c] = classActivation === 'sigmoid' ? sigmoid(x[c0 + c]!) : x[c0 + c]!;
    }
  }
}
