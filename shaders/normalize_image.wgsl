// RGBA bytes -> normalised f32 pixels, one invocation per pixel. u8 tensors pack one RGBA pixel per 32-bit word
// (R in the low byte). out = v * k + b per output channel, k = scale / std and b = -mean / std folded on the host
// in output-channel order. Entry points: `main` (3 channels, alpha dropped) and `main_rgba` (4, one vec4 store).

override BGR: bool = false;    // output B, G, R (, A)
override WG: u32 = 64u;

struct Params {
  k: vec4<f32>,
  b: vec4<f32>,
  pixels: u32,
  rowStride: u32,              // invocations per row of the 2-D dispatch grid
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;

// Shifts rather than unpack4x8unorm: the bytes convert to f32 exactly, no v / 255 rounding.
fn pixel(i: u32) -> vec4<f32> {
  let w = x[i];
  var v = vec4<f32>((vec4<u32>(w) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(255u));
  if (BGR) { v = v.zyxw; }
  return fma(v, p.k, p.b);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.pixels) { return; }
  let v = pixel(i);
  out[i * 3u] = v.x;
  out[i * 3u + 1u] = v.y;
  out[i * 3u + 2u] = v.z;
}

@compute @workgroup_size(WG)
fn main_rgba(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.pixels) { return; }
  out4[i] = pixel(i);
}
