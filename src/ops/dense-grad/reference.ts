import type { KernelArgs } from '../../runtime/op.js';
import type { DenseGradNorm } from './spec.js';

/** d act / d pre-activation from the output y (ACT_CODE order). */
export function denseActGradRef(y: number, code: number, alpha: number): number {
  switch (code) {
    case 1:
      return y > 0 ? 1 : 0;
    case 2:
      return y > 0 && y < 6 ? 1 : 0;
    case 3:
      return y >= 0 ? 1 : alpha;
    case 4:
      return y * (1 - y);
    case 5:
      return 1 - y * y;
    default:
      return 1;
  }
}

/** dpre = dy * act'(y) (softmax: y * (dy - sum dy y) per row), then dW = x^T dpre, db = sum dpre, dx = dpre W^T. */
export function denseGradReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, DenseGradNorm>): void {
  const [x, W, y, dy] = inputs as [Float64Array, Float64Array, Float64Array | undefined, Float64Array];
  const [dW, dB, dx] = outputs as [Float64Array, Float64Array, Float64Array];
  const { rows, k, n } = a;
  const dp = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    if (a.code === 6) {
      let dot = 0;
      for (let c = 0; c < n; c++) dot += y![r * n + c]! * dy[r * n + c]!;
      for (let c = 0; c < n; c++) dp[r * n + c] = y![r * n + c]! * (dy[r * n + c]! - dot);
    } else {
      for (let c = 0; c < n; c++) dp[r * n + c] = dy[r * n + c]! * (a.code === 0 ? 1 : denseActGradRef(y![r * n + c]!, a.code, a.alpha));
    }
  }
  dW.fill(0);
  dB.fill(0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < n; c++) {
      const g = dp[r * n + c]!;
      dB[c]! += g;
      for (let i = 0; i < k; i++) dW[i * n + c]! += x[r * k + i]! * g;
    }
  }
  if (!a.inputGrad) {
    dx.fill(0);
    return;
  }
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += dp[r * n + c]! * W[i * n + c]!;
      dx[r * k + i] = s;
    }
  }
}
