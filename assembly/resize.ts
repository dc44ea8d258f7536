// Resize (ONNX linear / nearest) on NHWC f32, SIMD over channels 4 at a time. Per call the host fills one tap
// table per axis (3 words per output index: byte offset of tap 0, byte offset of tap 1, f32 weight of tap 1;
// rows hold y * inW * c * 4, columns x * c * 4), so the inner loops only load, blend and store.
import { madd } from './simd';

// @ts-ignore: decorator
@inline
function lerp4(a: v128, b: v128, w: v128): v128 {
  return madd(f32x4.sub(b, a), w, a);
}

// @ts-ignore: decorator
@inline
function lerp(a: f32, b: f32, w: f32): f32 {
  return a + (b - a) * w;
}

// @ts-ignore: decorator
@inline
function bilinear4(p00: usize, p01: usize, p10: usize, p11: usize, wx: v128, wy: v128): v128 {
  const top = lerp4(v128.load(p00), v128.load(p01), wx);
  const bottom = lerp4(v128.load(p10), v128.load(p11), wx);
  return lerp4(top, bottom, wy);
}

export function resize_bilinear_f32_nhwc_simd(x: usize, out: usize, n: i32, inH: i32, inW: i32, outH: i32, outW: i32, c: i32, rows: usize, cols: usize): void {
  const imgIn = (<usize>inH * <usize>inW * <usize>c) << 2;
  const inEnd = x + <usize>n * imgIn;
  const outEnd = out + ((<usize>n * <usize>outH * <usize>outW * <usize>c) << 2);
  const cb = <usize>c << 2;
  const full = <usize>(c & ~3) << 2; // bytes in whole groups of 4 channels
  let po = out;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * imgIn;
    for (let oy = 0; oy < outH; oy++) {
      const rt = rows + <usize>oy * 12;
      const r0 = xb + <usize>load<i32>(rt);
      const r1 = xb + <usize>load<i32>(rt, 4);
      const wy = load<f32>(rt, 8);
      const vwy = f32x4.splat(wy);
      for (let ox = 0; ox < outW; ox++) {
        const ct = cols + <usize>ox * 12;
        const c0 = <usize>load<i32>(ct);
        const c1 = <usize>load<i32>(ct, 4);
        const wx = load<f32>(ct, 8);
        const vwx = f32x4.splat(wx);
        const p00 = r0 + c0;
        const p01 = r0 + c1;
        const p10 = r1 + c0;
        const p11 = r1 + c1; // the highest of the four addresses (taps are clamped, so i1 >= i0)
        let k: usize = 0;
        for (; k < full; k += 16) v128.store(po + k, bilinear4(p00 + k, p01 + k, p10 + k, p11 + k, vwx, vwy));
        if (k < cb) {
          // 1-3 channels left (c = 3 for images): one 4-lane step whose extra lanes read the next source pixel and
          // spill into the next output pixel, which is written after this one; scalar where that leaves a tensor.
          if (p11 + k + 16 <= inEnd && po + k + 16 <= outEnd) {
            v128.store(po + k, bilinear4(p00 + k, p01 + k, p10 + k, p11 + k, vwx, vwy));
          } else {
            for (; k < cb; k += 4) {
              const top = lerp(load<f32>(p00 + k), load<f32>(p01 + k), wx);
              const bottom = lerp(load<f32>(p10 + k), load<f32>(p11 + k), wx);
              store<f32>(po + k, lerp(top, bottom, wy));
            }
          }
        }
        po += cb;
      }
    }
  }
}

/** Nearest: the same tables (tap 1 and weights unused); copies each output pixel's channels from its source. */
export function resize_nearest_f32_nhwc_simd(x: usize, out: usize, n: i32, inH: i32, inW: i32, outH: i32, outW: i32, c: i32, rows: usize, cols: usize): void {
  const imgIn = (<usize>inH * <usize>inW * <usize>c) << 2;
  const inEnd = x + <usize>n * imgIn;
  const outEnd = out + ((<usize>n * <usize>outH * <usize>outW * <usize>c) << 2);
  const cb = <usize>c << 2;
  const full = <usize>(c & ~3) << 2;
  let po = out;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * imgIn;
    for (let oy = 0; oy < outH; oy++) {
      const r0 = xb + <usize>load<i32>(rows + <usize>oy * 12);
      for (let ox = 0; ox < outW; ox++) {
        const ps = r0 + <usize>load<i32>(cols + <usize>ox * 12);
        let k: usize = 0;
        for (; k < full; k += 16) v128.store(po + k, v128.load(ps + k));
        if (k < cb) {
          // Same spill trick as bilinear for the last 1-3 channels.
          if (ps + k + 16 <= inEnd && po + k + 16 <= outEnd) {
            v128.store(po + k, v128.load(ps + k));
          } else {
            for (; k < cb; k += 4) store<f32>(po + k, load<f32>(ps + k));
          }
        }
        po += cb;
      }
    }
  }
}
