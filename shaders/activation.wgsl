// Standalone elementwise activation (ONNX Relu, LeakyRelu, PRelu, Sigmoid, Tanh). One element per invocation.
// #include "lib/activation.wgsl"

override WG: u32 = 256u;
override PRELU: bool = false;   // per-channel slope from `slope` (last dim)

struct Params {
  size: u32,
  channels: u32,
  rowStride: u32,
  alpha: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> slope: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.size) { return; }
  var a = p.alpha;
  if (PRELU) { a = slope[i % p.channels]; }
  out[i] = activate(x[i], a);
}
