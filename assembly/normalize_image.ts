// RGBA bytes -> normalised f32 pixels (normalizeImage). Four pixels (16 bytes, one v128) per step: one byte
// swizzle drops alpha and / or puts B, G, R first, then u8 -> u16 -> u32 -> f32 widening and one multiply-add per
// 4 outputs with k = scale / std, b = -mean / std (host-folded, in output-channel order).
import { madd } from './simd';

// @ts-ignore: decorator
@inline
function lanes(a: f32, b: f32, c: f32, d: f32): v128 {
  let v = f32x4.splat(a);
  v = f32x4.replace_lane(v, 1, b);
  v = f32x4.replace_lane(v, 2, c);
  return f32x4.replace_lane(v, 3, d);
}

/** channels: 3 (alpha dropped) or 4; bgr: 1 for B, G, R (, A) output order. */
export function normalize_image_u8_f32_simd(
  x: usize, out: usize, pixels: i32, channels: i32, bgr: i32,
  k0: f32, k1: f32, k2: f32, k3: f32, b0: f32, b1: f32, b2: f32, b3: f32,
): void {
  // Byte swizzles for 4 pixels; lane indices >= 16 give 0 (the unused last 4 bytes with 3 channels).
  const mask = channels == 3
    ? (bgr ? i8x16(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 16, 16, 16, 16) : i8x16(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16, 16, 16, 16))
    : (bgr ? i8x16(2, 1, 0, 3, 6, 5, 4, 7, 10, 9, 8, 11, 14, 13, 12, 15) : i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  let p = 0;
  let px = x;
  let po = out;
  if (channels == 3) {
    // 12 outputs per 4 pixels: lanes cycle through the 3 channels.
    const kA = lanes(k0, k1, k2, k0), kB = lanes(k1, k2, k0, k1), kC = lanes(k2, k0, k1, k2);
    const bA = lanes(b0, b1, b2, b0), bB = lanes(b1, b2, b0, b1), bC = lanes(b2, b0, b1, b2);
    for (; p + 4 <= pixels; p += 4) {
      const v = i8x16.swizzle(v128.load(px), mask);
      const lo = i16x8.extend_low_i8x16_u(v);
      const hi = i16x8.extend_high_i8x16_u(v);
      v128.store(po, madd(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), kA, bA));
      v128.store(po, madd(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), kB, bB), 16);
      v128.store(po, madd(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), kC, bC), 32);
      px += 16;
      po += 48;
    }
  } else {
    const k = lanes(k0, k1, k2, k3);
    const b = lanes(b0, b1, b2, b3);
    for (; p + 4 <= pixels; p += 4) {
      const v = i8x16.swizzle(v128.load(px), mask);
      const lo = i16x8.extend_low_i8x16_u(v);
      const hi = i16x8.extend_high_i8x16_u(v);
      v128.store(po, madd(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), k, b));
      v128.store(po, madd(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), k, b), 16);
      v128.store(po, madd(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), k, b), 32);
      v128.store(po, madd(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), k, b), 48);
      px += 16;
      po += 64;
    }
  }
  // Last 0-3 pixels, scalar.
  for (; p < pixels; p++) {
    const r = <f32>load<u8>(px), g = <f32>load<u8>(px, 1), bl = <f32>load<u8>(px, 2);
    store<f32>(po, (bgr ? bl : r) * k0 + b0);
    store<f32>(po, g * k1 + b1, 4);
    store<f32>(po, (bgr ? r : bl) * k2 + b2, 8);
    if (channels == 4) store<f32>(po, <f32>load<u8>(px, 3) * k3 + b3, 12);
    px += 4;
    po += channels << 2;
  }
}
