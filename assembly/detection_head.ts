// YOLO detection head (op detectionHead, 'yolo2' encoding). Input grid [n, H, W, A * K] and output [n, H * W * A, K]
// share one flat layout: row r (cell r / A, anchor r % A) reads and writes values r * K .. r * K + K - 1.
// Per row the four box values are one v128: one 4-lane exp gives e^-tx, e^-ty (sigmoids) and e^tw, e^th (sizes).
import { madd } from './simd';

/** e^x on 4 lanes (Cephes expf, degree-6 polynomial, 2^n through the exponent bits); rel. error ~2e-7 on [-87, 88]. */
// @ts-ignore: decorator
@inline
function expf4(v: v128): v128 {
  const x = f32x4.min(f32x4.max(v, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const magic = f32x4.splat(12582912.0); // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits
  const j = madd(x, f32x4.splat(1.44269504088896341), magic);
  const n = f32x4.sub(j, magic);
  let r = madd(n, f32x4.splat(-0.693359375), x);
  r = madd(n, f32x4.splat(2.12194440e-4), r);
  let p = madd(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(f32x4.mul(p, r), r, f32x4.add(r, f32x4.splat(1)));
  const pow2n = i32x4.shl(i32x4.add(i32x4.sub(j, magic), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2n);
}

// @ts-ignore: decorator
@inline
function sigmoid4(v: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expf4(f32x4.neg(v))));
}

// @ts-ignore: decorator
@inline
function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

/** Softmax of `len` contiguous values (max-shifted), 4 lanes at a time. */
function softmaxRow(px: usize, po: usize, len: i32): void {
  let m = load<f32>(px);
  for (let i = 1; i < len; i++) m = max(m, load<f32>(px + (<usize>i << 2)));
  const vm = f32x4.splat(m);
  let vs = f32x4.splat(0);
  let s: f32 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const e = expf4(f32x4.sub(v128.load(px + (<usize>i << 2)), vm));
    v128.store(po + (<usize>i << 2), e);
    vs = f32x4.add(vs, e);
  }
  for (; i < len; i++) {
    const e = f32x4.extract_lane(expf4(f32x4.splat(load<f32>(px + (<usize>i << 2)) - m)), 0);
    store<f32>(po + (<usize>i << 2), e);
    s += e;
  }
  s += f32x4.extract_lane(vs, 0) + f32x4.extract_lane(vs, 1) + (f32x4.extract_lane(vs, 2) + f32x4.extract_lane(vs, 3));
  const inv: f32 = 1.0 / s;
  for (i = 0; i < len; i++) store<f32>(po + (<usize>i << 2), load<f32>(po + (<usize>i << 2)) * inv);
}

/**
 * Decodes `rows` box rows of K = 5 + classes values. anchors: [w0, h0, w1, h1, ...] (grid cells). classAct: 0 none,
 * 1 sigmoid, 2 softmax (CLASS_ACT_CODE in src/ops/detection-head/spec.ts).
 */
export function detection_head_yolo2_f32_simd(x: usize, anchors: usize, out: usize, rows: i32, a: i32, h: i32, w: i32, classes: i32, classAct: i32): void {
  const k = 5 + classes;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const signs = f32x4(-1, -1, 1, 1); // e^-tx, e^-ty for the sigmoids; e^tw, e^th for the sizes
  const grid = f32x4(<f32>w, <f32>h, <f32>w, <f32>h);
  const half = f32x4.splat(0.5);
  for (let r = 0; r < rows; r++) {
    const anchor = r % a;
    const cell = r / a;
    const col = <f32>(cell % w);
    const row = <f32>((cell / w) % h);
    const px = x + (<usize>(r * k) << 2);
    const po = out + (<usize>(r * k) << 2);
    const e = expf4(f32x4.mul(v128.load(px), signs));
    const sig = f32x4.div(one, f32x4.add(one, e));
    // anchor (w, h) in lanes 2, 3
    const anc = v128.load64_zero(anchors + (<usize>anchor << 3));
    const size = f32x4.mul(e, v128.shuffle<f32>(anc, anc, 0, 1, 0, 1));
    // [col + s_x, row + s_y, e^tw * aw, e^th * ah] / [W, H, W, H] = [cx, cy, bw, bh]
    const q = f32x4.div(f32x4.add(v128.shuffle<f32>(sig, size, 0, 1, 6, 7), f32x4(col, row, 0, 0)), grid);
    const hq = f32x4.mul(q, half);
    const lo = f32x4.sub(q, v128.shuffle<f32>(hq, hq, 2, 3, 2, 3)); // lanes 0, 1: x0, y0
    v128.store(po, f32x4.add(v128.shuffle<f32>(lo, lo, 0, 1, 0, 1), v128.shuffle<f32>(zero, q, 0, 1, 6, 7)));
    store<f32>(po + 16, sigmoid1(load<f32>(px + 16)));
    if (classes == 0) continue;
    const pc = px + 20;
    const oc = po + 20;
    if (classAct == 2) {
      softmaxRow(pc, oc, classes);
    } else if (classAct == 1) {
      let i = 0;
      for (; i + 4 <= classes; i += 4) v128.store(oc + (<usize>i << 2), sigmoid4(v128.load(pc + (<usize>i << 2))));
      for (; i < classes; i++) store<f32>(oc + (<usize>i << 2), sigmoid1(load<f32>(pc + (<usize>i << 2))));
    } else {
      memory.copy(oc, pc, <usize>classes << 2);
    }
  }
}
