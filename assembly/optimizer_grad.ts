// Optimiser steps, in place on the parameters and their slots (src/ops/optimizer-grad/wasm.ts), and the
// squared-norm accumulation behind clipping by global norm.
import { madd } from './simd';

/** acc[0] += sum x^2 (f64 partial sums over 4 lanes). */
export function sum_squares_f32(x: usize, n: i32, acc: usize): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  const n8 = n & ~7;
  let i = 0;
  for (; i < n8; i += 8) {
    const a = v128.load(x + (<usize>i << 2));
    const b = v128.load(x + (<usize>i << 2), 16);
    s0 = madd(a, a, s0);
    s1 = madd(b, b, s1);
  }
  s0 = f32x4.add(s0, s1);
  let s: f64 = <f64>f32x4.extract_lane(s0, 0) + <f64>f32x4.extract_lane(s0, 1) + <f64>f32x4.extract_lane(s0, 2) + <f64>f32x4.extract_lane(s0, 3);
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    s += <f64>(v * v);
  }
  store<f32>(acc, <f32>(<f64>load<f32>(acc) + s));
}

/** Gradient scale for clipping by global norm: clip / max(norm, clip) (1 without clipping). */
// @ts-ignore: decorator
@inline
function clipScale(normSq: usize, clip: f32): f32 {
  if (!normSq || clip <= 0) return 1;
  const norm = Mathf.sqrt(load<f32>(normSq));
  return norm > clip ? clip / norm : 1;
}

/**
 * Adam (tfjs / Keras): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lrT m / (sqrt(v) + eps), lrT the
 * bias-corrected rate lr sqrt(1 - b2^t) / (1 - b1^t) computed by the launcher.
 */
export function adam_update_f32(p: usize, g: usize, m: usize, v: usize, n: i32, lrT: f32, b1: f32, b2: f32, eps: f32, normSq: usize, clip: f32): void {
  const gs = f32x4.splat(clipScale(normSq, clip));
  const vb1 = f32x4.splat(b1);
  const vb2 = f32x4.splat(b2);
  const c1 = f32x4.splat(1 - b1);
  const c2 = f32x4.splat(1 - b2);
  const vlr = f32x4.splat(lrT);
  const veps = f32x4.splat(eps);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const gv = f32x4.mul(v128.load(g + o), gs);
    const mv = madd(vb1, v128.load(m + o), f32x4.mul(c1, gv));
    const vv = madd(vb2, v128.load(v + o), f32x4.mul(c2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(vlr, mv), f32x4.add(f32x4.sqrt(vv), veps))));
  }
  const s = f32x4.extract_lane(gs, 0);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o) * s;
    const mv = b1 * load<f32>(m + o) + (1 - b1) * gv;
    const vv = b2 * load<f32>(v + o) + (1 - b2) * gv * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, load<f32>(p + o) - (lrT * mv) / (Mathf.sqrt(vv) + eps));
  }
}

/**
 * SGD (Keras): without momentum p -= lr g; with it v = momentum v - lr g, then p += v (nesterov: p += momentum v
 * - lr g). vel = 0 without momentum.
 */
export function sgd_update_f32(p: usize, g: usize, vel: usize, n: i32, lr: f32, momentum: f32, nesterov: i32, normSq: usize, clip: f32): void {
  const s = clipScale(normSq, clip);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o) * s;
    if (!vel) {
      store<f32>(p + o, load<f32>(p + o) - lr * gv);
      continue;
    }
    const vv = momentum * load<f32>(vel + o) - lr * gv;
    store<f32>(vel + o, vv);
    store<f32>(p + o, load<f32>(p + o) + (nesterov ? momentum * vv - lr * gv : vv));
  }
}
