// Shared SIMD helpers. `madd` is fused (relaxed_madd) in the relaxed build and mul+add otherwise; the choice is
// made at compile time, so both builds come from one source.

// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline
export function load4(p: usize): v128 {
  return v128.load(p);
}

// @ts-ignore: decorator
@inline
export function store4(p: usize, v: v128): void {
  v128.store(p, v);
}
