import type { KernelArgs } from '../../runtime/op.js';
import type { AdamNorm, SgdNorm } from './spec.js';

function scaleOf(normSq: Float64Array | undefined, clip: number): number {
  if (!normSq || clip <= 0) return 1;
  const norm = Math.sqrt(normSq[0]!);
  return norm > clip ? clip / norm : 1;
}

/** Keras Adam, in place on param, m and v. */
export function adamReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, AdamNorm>): void {
  const [p, g, m, v, ns] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array | undefined];
  const s = scaleOf(ns, a.clipNorm);
  for (let i = 0; i < a.n; i++) {
    const gi = g[i]! * s;
    m[i] = a.beta1 * m[i]! + (1 - a.beta1) * gi;
    v[i] = a.beta2 * v[i]! + (1 - a.beta2) * gi * gi;
    p[i] = p[i]! - (a.lrT * m[i]!) / (Math.sqrt(v[i]!) + a.epsilon);
  }
  outputs[0]![0] = 0;
}

/** Keras SGD (momentum, nesterov), in place on param and velocity. */
export function sgdReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, SgdNorm>): void {
  const [p, g, vel, ns] = inputs as [Float64Array, Float64Array, Float64Array | undefined, Float64Array | undefined];
  const s = scaleOf(ns, a.clipNorm);
  for (let i = 0; i < a.n; i++) {
    const gi = g[i]! * s;
    if (!a.hasVelocity) {
      p[i] = p[i]! - a.lr * gi;
      continue;
    }
    const vv = a.momentum * vel![i]! - a.lr * gi;
    vel![i] = vv;
    p[i] = p[i]! + (a.nesterov ? a.momentum * vv - a.lr * gi : vv);
  }
  outputs[0]![0] = 0;
}

export function sumSquaresReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, { n: number }>): void {
  const [x, acc] = inputs as [Float64Array, Float64Array | undefined];
  let s = 0;
  for (let i = 0; i < a.n; i++) s += x[i]! * x[i]!;
  outputs[0]![0] = s;
  if (acc) acc[0]! += s;
}
