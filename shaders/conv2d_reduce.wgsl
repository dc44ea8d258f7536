// Second pass of a split-K conv2d (conv2d_splitk.wgsl): out[i] = epilogue(sum over the SPLIT slices of the
// partial sums part[slice][m][cout]), one vec4 of channels per invocation (x/y grid, rowStride per y). With
// SPLIT = 1 it also adds a residual to the output of a kernel without one (conv2d's residual fallback).
// #include "lib/activation.wgsl"

override WG: u32 = 64u;
override COUT: u32 = 4u;
override SPLIT: u32 = 2u;
override HAS_BIAS: bool = false;
override HAS_SCALE: bool = false;
override HAS_SHIFT: bool = false;
override PRELU: bool = false;
override RESIDUAL: bool = false;  // conv2d's residual input, added before the activation
override COUT4: u32 = COUT / 4u;

struct Params {
  m: u32,
  rowStride: u32,
  alpha: f32,
}

@group(0) @binding(0) var<storage, read> part: array<vec4<f32>>;
// Absent extras are bound to `part` and never read (HAS_* / PRELU false).
@group(0) @binding(1) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> scale: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> shift: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> slope: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> res: array<vec4<f32>>;
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  let n = p.m * COUT4;
  if (i >= n) { return; }
  var v = part[i];
  for (var s = 1u; s < SPLIT; s++) { v += part[s * n + i]; }
  let cb = i % COUT4;
  if (HAS_BIAS) { v += bias[cb]; }
  if (HAS_SCALE) { v *= scale[cb]; }
  if (HAS_SHIFT) { v += shift[cb]; }
  if (RESIDUAL) { v += res[i]; }
  var a = vec4<f32>(p.alpha);
  if (PRELU) { a = slope[cb]; }
  out[i] = activate4(v, a);
}
