// Fused activation epilogue shared by every kernel with one. Codes match ACT_CODE in src/ops/activation/spec.ts:
// 0 none, 1 relu, 2 relu6, 3 leaky-relu / prelu (slope in `alpha`), 4 sigmoid, 5 tanh.

// @ts-ignore: decorator
@inline
export function activate(x: f32, act: i32, alpha: f32): f32 {
  if (act == 1) return max(x, 0);
  if (act == 2) return min(max(x, 0), 6);
  if (act == 3) return x >= 0 ? x : alpha * x;
  if (act == 4) return 1.0 / (1.0 + Mathf.exp(-x));
  if (act == 5) {
    const e = Mathf.exp(2.0 * min(max(x, -15.0), 15.0));
    return (e - 1.0) / (e + 1.0);
  }
  return x;
}

/** Four lanes at once; sigmoid and tanh run per lane (no SIMD exp). */
// @ts-ignore: decorator
@inline
export function activate4(v: v128, act: i32, alpha: v128): v128 {
  if (act == 0) return v;
  if (act == 1) return f32x4.max(v, f32x4.splat(0));
  if (act == 2) return f32x4.min(f32x4.max(v, f32x4.splat(0)), f32x4.splat(6));
  if (act == 3) return v128.bitselect(v, f32x4.mul(v, alpha), f32x4.ge(v, f32x4.splat(0)));
  let r = f32x4.splat(0);
  r = f32x4.replace_lane(r, 0, activate(f32x4.extract_lane(v, 0), act, 0));
  r = f32x4.replace_lane(r, 1, activate(f32x4.extract_lane(v, 1), act, 0));
  r = f32x4.replace_lane(r, 2, activate(f32x4.extract_lane(v, 2), act, 0));
  r = f32x4.replace_lane(r, 3, activate(f32x4.extract_lane(v, 3), act, 0));
  return r;
}

/**
 * A conv's fused epilogue on 4 channels at byte offset k of the per-channel extras: act((((v + bias) * scale) +
 * shift) + residual). Each extra is optional (0); res is the residual's address for these 4 lanes; the slope is
 * prelu's (per channel) or alpha.
 */
// @ts-ignore: decorator
@inline
export function epilogue4(v0: v128, k: usize, bias: usize, scale: usize, shift: usize, res: usize, act: i32, prelu: usize, alpha: v128): v128 {
  let v = v0;
  if (bias) v = f32x4.add(v, v128.load(bias + k));
  if (scale) v = f32x4.mul(v, v128.load(scale + k));
  if (shift) v = f32x4.add(v, v128.load(shift + k));
  if (res) v = f32x4.add(v, v128.load(res));
  return activate4(v, act, prelu ? v128.load(prelu + k) : alpha);
}

/**
 * In-place activation over rows of `channels` values; prelu reads a per-channel slope array (0 = none).
 */
export function activation_f32_simd(x: usize, out: usize, rows: i32, channels: i32, act: i32, alpha: f32, prelu: usize): void {
  const va = f32x4.splat(alpha);
  for (let r = 0; r < rows; r++) {
    const px = x + (<usize>(r * channels) << 2);
    const po = out + (<usize>(r * channels) << 2);
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const k = <usize>c << 2;
      const slope = prelu ? v128.load(prelu + k) : va;
      v128.store(po + k, activate4(v128.load(px + k), act, slope));
    }
    for (; c < channels; c++) {
      const k = <usize>c << 2;
      store<f32>(po + k, activate(load<f32>(px + k), act, prelu ? load<f32>(prelu + k) : alpha));
    }
  }
}
