// Elementwise add/mul with numpy broadcasting.
// Three entry points, picked by the launcher from the broadcast pattern:
//  - `flat4`: both inputs have the output's shape (or b is a scalar): 4 elements per invocation, vec4 loads.
//  - `channel4`: b broadcasts along every dim but the last (per-channel bias/scale in NHWC), C % 4 == 0.
//  - `main`: any pattern, one element per invocation, dims and strides (0 on broadcast dims) from the uniform.

override OP: u32 = 0u;        // 0 = add, 1 = mul
override RANK: u32 = 1u;
override WG: u32 = 256u;
override B_SCALAR: bool = false;

struct Params {
  size: u32,
  rowStride: u32,             // invocations per row of the 2-D dispatch grid
  channels4: u32,             // channel4: C / 4
  _pad1: u32,
  dims: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@group(0) @binding(0) var<storage, read> a4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out4: array<vec4<f32>>;

fn apply(x: f32, y: f32) -> f32 {
  if (OP == 0u) { return x + y; }
  return x * y;
}

fn apply4(x: vec4<f32>, y: vec4<f32>) -> vec4<f32> {
  if (OP == 0u) { return x + y; }
  return x * y;
}

fn at(v: array<vec4<u32>, 2>, i: u32) -> u32 {
  return v[i / 4u][i % 4u];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x + gid.y * p.rowStride;
  if (o >= p.size) { return; }
  var rest = o;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(RANK) - 1; d >= 0; d--) {
    let dim = at(p.dims, u32(d));
    let i = rest % dim;
    rest = rest / dim;
    ia += i * at(p.aStrides, u32(d));
    ib += i * at(p.bStrides, u32(d));
  }
  out[o] = apply(a[ia], b[ib]);
}

// p.size counts vec4s here.
@compute @workgroup_size(WG)
fn flat4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.size) { return; }
  if (B_SCALAR) {
    out4[i] = apply4(a4[i], vec4<f32>(b4[0].x));   // pooled buffers hold >= 16 bytes
  } else {
    out4[i] = apply4(a4[i], b4[i]);
  }
}

@compute @workgroup_size(WG)
fn channel4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.size) { return; }
  out4[i] = apply4(a4[i], b4[i % p.channels4]);
}
