// Conv gradients as GEMMs (gemm.ts) plus the two data movements around them: im2col gathers the forward conv's
// input windows into rows (weight gradient: dW = col^T dy), col2im sums window columns back onto input pixels
// (input gradient / transposed conv: dx = col2im(dy W^T)). col2im is a gather (one output pixel at a time, its
// taps found by stride arithmetic), so it needs no atomics and splits over threads by pixel range.
import { activate4, activate } from './activation';

/**
 * col [pixels, kh * kw * cin] for output pixels [p0, p1) of a conv with input x [n, h, w, cin] (NHWC): row p holds
 * the window of output pixel p, zero where it hangs over the padding. Channel runs are copied 4 lanes at a time.
 */
export function conv2d_grad_im2col_f32_nhwc_simd(
  x: usize, col: usize, p0: i32, p1: i32,
  h: i32, w: i32, cin: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padT: i32, padL: i32,
): void {
  const k = kh * kw * cin;
  const cb = <usize>cin << 2;
  const c4 = cin & ~3;
  for (let p = p0; p < p1; p++) {
    const ox = p % ow;
    const t = p / ow;
    const oy = t % oh;
    const b = t / oh;
    let dst = col + (<usize>(p - p0) * <usize>k << 2);
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - padT + ky * dh;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - padL + kx * dw;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
          memory.fill(dst, 0, cb);
        } else {
          const src = x + (<usize>((b * h + iy) * w + ix) * <usize>cin << 2);
          let c = 0;
          for (; c < c4; c += 4) v128.store(dst + (<usize>c << 2), v128.load(src + (<usize>c << 2)));
          for (; c < cin; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
        }
        dst += cb;
      }
    }
  }
}

/**
 * dx pixels [q0, q1) of [n, h, w, cin] from col [n * oh * ow, kh * kw * cin] (row = output pixel, as im2col):
 * dx[q] = act(bias + sum over the taps (ky, kx) whose window covers q of col[pixel, tap]). A tap covers input row
 * iy from output row oy = (iy + padT - ky * dh) / sh when that divides exactly and lands in [0, oh). bias = 0:
 * none; act as ACT_CODE (the transposed conv's fused epilogue; 0 for a plain gradient).
 */
export function conv2d_grad_col2im_f32_nhwc_simd(
  col: usize, dx: usize, bias: usize, act: i32, alpha: f32, q0: i32, q1: i32,
  h: i32, w: i32, cin: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padT: i32, padL: i32,
): void {
  const k = kh * kw * cin;
  const c4 = cin & ~3;
  const va = f32x4.splat(alpha);
  for (let q = q0; q < q1; q++) {
    const ix = q % w;
    const t = q / w;
    const iy = t % h;
    const b = t / h;
    const out = dx + (<usize>q * <usize>cin << 2);
    if (bias) memory.copy(out, bias, <usize>cin << 2);
    else memory.fill(out, 0, <usize>cin << 2);
    for (let ky = 0; ky < kh; ky++) {
      const ty = iy + padT - ky * dh;
      if (ty < 0) break; // later taps only move further up
      if (ty % sh) continue;
      const oy = ty / sh;
      if (oy >= oh) continue;
      for (let kx = 0; kx < kw; kx++) {
        const tx = ix + padL - kx * dw;
        if (tx < 0) break;
        if (tx % sw) continue;
        const ox = tx / sw;
        if (ox >= ow) continue;
        const src = col + ((<usize>((b * oh + oy) * ow + ox) * <usize>k + <usize>((ky * kw + kx) * cin)) << 2);
        let c = 0;
        for (; c < c4; c += 4) {
          const o = <usize>c << 2;
          v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(src + o)));
        }
        for (; c < cin; c++) {
          const o = <usize>c << 2;
          store<f32>(out + o, load<f32>(out + o) + load<f32>(src + o));
        }
      }
    }
    if (act) {
      let c = 0;
      for (; c < c4; c += 4) v128.store(out + (<usize>c << 2), activate4(v128.load(out + (<usize>c << 2)), act, va));
      for (; c < cin; c++) store<f32>(out + (<usize>c << 2), activate(load<f32>(out + (<usize>c << 2)), act, alpha));
    }
  }
}
