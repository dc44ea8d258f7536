// Attention pooling over time (src/ops/attention-pool/): per batch row a masked softmax of the scores, the
// weighted sum of the values (SIMD over D, 4 lanes) and an optional L2 normalisation; and its gradient.
import { madd } from './simd';

function dot4(a: usize, b: usize, D: i32): f32 {
  let acc = f32x4.splat(0);
  let d = 0;
  for (; d + 4 <= D; d += 4) acc = madd(v128.load(a + (<usize>d << 2)), v128.load(b + (<usize>d << 2)), acc);
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; d < D; d++) s += load<f32>(a + (<usize>d << 2)) * load<f32>(b + (<usize>d << 2));
  return s;
}

/** out[D] += w * v[D] */
function axpy4(out: usize, w: f32, v: usize, D: i32): void {
  const ws = f32x4.splat(w);
  let d = 0;
  for (; d + 4 <= D; d += 4) v128.store(out + (<usize>d << 2), madd(ws, v128.load(v + (<usize>d << 2)), v128.load(out + (<usize>d << 2))));
  for (; d < D; d++) store<f32>(out + (<usize>d << 2), load<f32>(out + (<usize>d << 2)) + w * load<f32>(v + (<usize>d << 2)));
}

/** mask = 0: no mask. */
export function attention_pool_f32_simd(scores: usize, values: usize, mask: usize, B: i32, T: i32, D: i32, normalize: i32, eps: f32, out: usize, weights: usize, norm: usize): void {
  for (let b = 0; b < B; b++) {
    const ps = scores + ((<usize>b * <usize>T) << 2);
    const pw = weights + ((<usize>b * <usize>T) << 2);
    const pm = mask + ((<usize>b * <usize>T) << 2);
    const po = out + ((<usize>b * <usize>D) << 2);
    let mx: f32 = -Infinity;
    for (let t = 0; t < T; t++) if (mask == 0 || load<f32>(pm + (<usize>t << 2)) != 0) mx = max(mx, load<f32>(ps + (<usize>t << 2)));
    let sum: f32 = 0;
    for (let t = 0; t < T; t++) {
      const e: f32 = mask == 0 || load<f32>(pm + (<usize>t << 2)) != 0 ? Mathf.exp(load<f32>(ps + (<usize>t << 2)) - mx) : 0;
      store<f32>(pw + (<usize>t << 2), e);
      sum += e;
    }
    const inv: f32 = sum > 0 ? 1.0 / sum : 0;
    memory.fill(po, 0, <usize>D << 2);
    for (let t = 0; t < T; t++) {
      const w = load<f32>(pw + (<usize>t << 2)) * inv;
      store<f32>(pw + (<usize>t << 2), w);
      if (w != 0) axpy4(po, w, values + ((<usize>(b * T + t) * <usize>D) << 2), D);
    }
    const ss = dot4(po, po, D);
    store<f32>(norm + (<usize>b << 2), Mathf.sqrt(ss));
    if (normalize) {
      const s: f32 = 1.0 / Mathf.sqrt(max(ss, eps));
      const vs = f32x4.splat(s);
      let d = 0;
      for (; d + 4 <= D; d += 4) v128.store(po + (<usize>d << 2), f32x4.mul(v128.load(po + (<usize>d << 2)), vs));
      for (; d < D; d++) store<f32>(po + (<usize>d << 2), load<f32>(po + (<usize>d << 2)) * s);
    }
  }
}

/** dp: scratch of D floats. */
export function attention_pool_grad_f32_simd(weights: usize, values: usize, out: usize, norm: usize, dOut: usize, B: i32, T: i32, D: i32, normalize: i32, eps: f32, dScores: usize, dValues: usize, dp: usize): void {
  for (let b = 0; b < B; b++) {
    const po = out + ((<usize>b * <usize>D) << 2);
    const pd = dOut + ((<usize>b * <usize>D) << 2);
    const n = load<f32>(norm + (<usize>b << 2));
    const od = dot4(po, pd, D);
    const len = max(n, Mathf.sqrt(eps));
    for (let d = 0; d < D; d++) {
      const g = load<f32>(pd + (<usize>d << 2));
      store<f32>(dp + (<usize>d << 2), normalize ? (g - load<f32>(po + (<usize>d << 2)) * od) / len : g);
    }
    const pdp = dot4(po, dp, D) * (normalize ? n : 1);
    for (let t = 0; t < T; t++) {
      const w = load<f32>(weights + ((<usize>(b * T + t)) << 2));
      const pv = values + ((<usize>(b * T + t) * <usize>D) << 2);
      const pg = dValues + ((<usize>(b * T + t) * <usize>D) << 2);
      store<f32>(dScores + ((<usize>(b * T + t)) << 2), w * (dot4(pv, dp, D) - pdp));
      const ws = f32x4.splat(w);
      let d = 0;
      for (; d + 4 <= D; d += 4) v128.store(pg + (<usize>d << 2), f32x4.mul(ws, v128.load(dp + (<usize>d << 2))));
      for (; d < D; d++) store<f32>(pg + (<usize>d << 2), w * load<f32>(dp + (<usize>d << 2)));
    }
  }
}
