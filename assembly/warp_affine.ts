// warpAffine on NHWC f32 (src/ops/warp-affine/spec.ts): k chips sampled bilinearly through one inverse affine each,
// SIMD over channels 4 at a time. Output rows (k * outH of them) split over threads. Taps outside the image (border
// 'zero') read from a zeroed scratch block instead of the image, so in-bounds and out-of-bounds pixels run the same
// vector code. The sample coordinate is the same f32 expression as the WGSL kernel's: (a j + b i) + c.
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

/**
 * Output rows [first, first + count) of all k * outH rows (row r: chip r / outH, chip row r % outH).
 * `imageStride` is 0 (every chip samples the one image) or inH * inW (chip b samples image b). `zeros` points at
 * c + 4 zeroed floats. Ranges are independent, so threads split the rows; the 3-channel spill store never crosses
 * the range's end.
 */
export function warp_affine_rows_f32_nhwc_simd(
  x: usize, m: usize, out: usize, imageStride: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  replicate: i32, zeros: usize, first: i32, count: i32,
): void {
  const cb = <usize>c << 2;
  const full = <usize>(c & ~3) << 2; // bytes in whole groups of 4 channels
  const outRow = <usize>outW * cb;
  const rowBytes = <usize>inW * cb;
  const maxX = <f32>inW + 1.0;
  const maxY = <f32>inH + 1.0;
  const zero = f32x4.splat(0);
  let po = out + <usize>first * outRow;
  const outEnd = po + <usize>count * outRow;
  for (let r = first; r < first + count; r++) {
    const b = r / outH;
    const i = <f32>(r - b * outH);
    const t = m + <usize>b * 24;
    const ta = load<f32>(t), tb = load<f32>(t, 4), tc = load<f32>(t, 8);
    const td = load<f32>(t, 12), te = load<f32>(t, 16), tf = load<f32>(t, 20);
    const bi = tb * i;
    const ei = te * i;
    const img = x + <usize>b * <usize>imageStride * cb;
    const inEnd = img + <usize>inH * rowBytes;
    for (let j = 0; j < outW; j++) {
      let sx = ta * <f32>j + bi + tc;
      let sy = td * <f32>j + ei + tf;
      if (sx != sx || sy != sy) {
        // NaN coordinate: the pixel is 0.
        let kk: usize = 0;
        for (; kk < full; kk += 16) v128.store(po + kk, zero);
        for (; kk < cb; kk += 4) store<f32>(po + kk, 0);
        po += cb;
        continue;
      }
      // Clamped to [-2, size + 1]: no value changes (every tap beyond is out or on the edge); the i32 stays small.
      sx = Mathf.min(Mathf.max(sx, -2.0), maxX);
      sy = Mathf.min(Mathf.max(sy, -2.0), maxY);
      const fx = Mathf.floor(sx);
      const fy = Mathf.floor(sy);
      const x0 = <i32>fx;
      const y0 = <i32>fy;
      const vwx = f32x4.splat(sx - fx);
      const vwy = f32x4.splat(sy - fy);
      const in0x = x0 >= 0 && x0 < inW;
      const in1x = x0 + 1 >= 0 && x0 + 1 < inW;
      const in0y = y0 >= 0 && y0 < inH;
      const in1y = y0 + 1 >= 0 && y0 + 1 < inH;
      const cx0 = <usize>min(max(x0, 0), inW - 1) * cb;
      const cx1 = <usize>min(max(x0 + 1, 0), inW - 1) * cb;
      const r0 = img + <usize>min(max(y0, 0), inH - 1) * rowBytes;
      const r1 = img + <usize>min(max(y0 + 1, 0), inH - 1) * rowBytes;
      let p00 = r0 + cx0, p01 = r0 + cx1, p10 = r1 + cx0, p11 = r1 + cx1;
      if (!replicate) {
        if (!(in0y && in0x)) p00 = zeros;
        if (!(in0y && in1x)) p01 = zeros;
        if (!(in1y && in0x)) p10 = zeros;
        if (!(in1y && in1x)) p11 = zeros;
      }
      let kk: usize = 0;
      for (; kk < full; kk += 16) v128.store(po + kk, bilinear4(p00 + kk, p01 + kk, p10 + kk, p11 + kk, vwx, vwy));
      if (kk < cb) {
        // 1-3 channels left (c = 3 for images): one 4-lane step whose extra lanes read the next source pixel (or
        // the zero block's tail) and spill into the next output pixel, which this range writes after this one;
        // scalar where a read would pass the image's end or the store the range's end.
        const fits =
          (p00 == zeros || p00 + kk + 16 <= inEnd) && (p01 == zeros || p01 + kk + 16 <= inEnd) &&
          (p10 == zeros || p10 + kk + 16 <= inEnd) && (p11 == zeros || p11 + kk + 16 <= inEnd);
        if (fits && po + kk + 16 <= outEnd) {
          v128.store(po + kk, bilinear4(p00 + kk, p01 + kk, p10 + kk, p11 + kk, vwx, vwy));
        } else {
          // Same vector arithmetic on splatted lanes: bit-identical to the spill path, so results do not depend on
          // where ranges end.
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
