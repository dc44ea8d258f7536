// cropAndResize on NHWC f32 (src/ops/crop-resize/spec.ts): bilinear crops of k boxes (x0, y0, x1, y1 in pixel-edge
// coordinates) out of one image, SIMD over channels 4 at a time. The column taps of every box go into a scratch
// table first (crop_resize_cols_f32), so the row kernel's inner loops only load, blend and store; rows split over
// threads. Tap coordinates are the same f32 expression as the WGSL kernel's.
import { madd } from './simd';

// @ts-ignore: decorator
@inline
function lerp4(a: v128, b: v128, w: v128): v128 {
  return madd(f32x4.sub(b, a), w, a);
}

// @ts-ignore: decorator
@inline
function bilinear4(p00: usize, p01: usize, p10: usize, p11: usize, wx: v128, wy: v128): v128 {
  const top = lerp4(v128.load(p00), v128.load(p01), wx);
  const bottom = lerp4(v128.load(p10), v128.load(p11), wx);
  return lerp4(top, bottom, wy);
}

/** Sample coordinate of output index o along one axis (pixel-centre coordinates). */
// @ts-ignore: decorator
@inline
function coord(lo: f32, hi: f32, o: i32, outLen: i32): f32 {
  return lo + (<f32>o + 0.5) * ((hi - lo) / <f32>outLen) - 0.5;
}

// @ts-ignore: decorator
@inline
function inside(s: f32, len: i32): bool {
  return s >= -0.5 && s <= <f32>len - 0.5; // false for NaN
}

/**
 * Column taps of every box into `cols` (outW entries of 4 words per box): inside flag, byte offset of tap 0, byte
 * offset of tap 1, f32 weight of tap 1. One pass before the rows, which threads then share read-only.
 */
export function crop_resize_cols_f32(boxes: usize, k: i32, outW: i32, inW: i32, c: i32, cols: usize): void {
  const cb = <usize>c << 2;
  let t = cols;
  for (let b = 0; b < k; b++) {
    const bp = boxes + (<usize>b << 4);
    const x0 = load<f32>(bp);
    const x1 = load<f32>(bp, 8);
    for (let j = 0; j < outW; j++, t += 16) {
      const s = coord(x0, x1, j, outW);
      const ok = inside(s, inW);
      store<i32>(t, ok ? 1 : 0);
      if (ok) {
        const f = Mathf.floor(s);
        const fi = <i32>f;
        store<i32>(t, <i32>(<usize>max(fi, 0) * cb), 4);
        store<i32>(t, <i32>(<usize>min(fi + 1, inW - 1) * cb), 8);
        store<f32>(t, s - f, 12);
      }
    }
  }
}

/**
 * Output rows [first, first + count) of all k * outH rows (row r: box r / outH, crop row r % outH). Ranges are
 * independent, so threads split the rows; the 3-channel spill store never crosses the range's end.
 */
export function crop_resize_rows_f32_nhwc_simd(
  x: usize, boxes: usize, out: usize, inH: i32, inW: i32, c: i32, outH: i32, outW: i32, fill: f32, cols: usize, first: i32, count: i32,
): void {
  const inEnd = x + ((<usize>inH * <usize>inW * <usize>c) << 2);
  const cb = <usize>c << 2;
  const outRow = <usize>outW * cb;
  const rowBytes = <usize>inW * cb;
  const full = <usize>(c & ~3) << 2; // bytes in whole groups of 4 channels
  const vfill = f32x4.splat(fill);
  let po = out + <usize>first * outRow;
  const outEnd = po + <usize>count * outRow;
  for (let r = first; r < first + count; r++) {
    const b = r / outH;
    const i = r - b * outH;
    const bp = boxes + (<usize>b << 4);
    const sy = coord(load<f32>(bp, 4), load<f32>(bp, 12), i, outH);
    if (!inside(sy, inH)) {
      const end = po + outRow;
      for (; po + 16 <= end; po += 16) v128.store(po, vfill);
      for (; po < end; po += 4) store<f32>(po, fill);
      continue;
    }
    const fy = Mathf.floor(sy);
    const fyi = <i32>fy;
    const r0 = x + <usize>max(fyi, 0) * rowBytes;
    const r1 = x + <usize>min(fyi + 1, inH - 1) * rowBytes;
    const wy = sy - fy;
    const vwy = f32x4.splat(wy);
    let t = cols + <usize>b * <usize>outW * 16;
    for (let j = 0; j < outW; j++, t += 16) {
      if (!load<i32>(t)) {
        let kk: usize = 0;
        for (; kk < full; kk += 16) v128.store(po + kk, vfill);
        for (; kk < cb; kk += 4) store<f32>(po + kk, fill);
        po += cb;
        continue;
      }
      const c0 = <usize>load<i32>(t, 4);
      const c1 = <usize>load<i32>(t, 8);
      const wx = load<f32>(t, 12);
      const vwx = f32x4.splat(wx);
      const p00 = r0 + c0;
      const p01 = r0 + c1;
      const p10 = r1 + c0;
      const p11 = r1 + c1; // the highest of the four addresses (taps are clamped, so i1 >= i0)
      let kk: usize = 0;
      for (; kk < full; kk += 16) v128.store(po + kk, bilinear4(p00 + kk, p01 + kk, p10 + kk, p11 + kk, vwx, vwy));
      if (kk < cb) {
        // 1-3 channels left (c = 3 for images): one 4-lane step whose extra lanes read the next source pixel and
        // spill into the next output pixel, which this range writes after this one; scalar at the range's end.
        if (p11 + kk + 16 <= inEnd && po + kk + 16 <= outEnd) {
          v128.store(po + kk, bilinear4(p00 + kk, p01 + kk, p10 + kk, p11 + kk, vwx, vwy));
        } else {
          // Same vector arithmetic on splatted lanes: bit-identical to the spill path (fused madd included), so
          // results do not depend on where ranges end.
          for (; kk < cb; kk += 4) {
            const top = lerp4(f32x4.splat(load<f32>(p00 + kk)), f32x4.splat(load<f32>(p01 + kk)), vwx);
            const bottom = lerp4(f32x4.splat(load<f32>(p10 + kk)), f32x4.splat(load<f32>(p11 + kk)), vwx);
            store<f32>(po + kk, f32x4.extract_lane(lerp4(top, bottom, vwy), 0));
          }
        }
      }
      po += cb;
    }
  }
}
