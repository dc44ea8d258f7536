// Keras Masking (src/ops/sequence-mask/webgpu.ts): one invocation per time step (row of features); a step is kept
// when any feature differs from maskValue (NaN differs from everything).

override WG: u32 = 64u;

struct Params {
  rows: u32,
  features: u32,
  rowStride: u32,
  maskValue: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> mask: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x + gid.y * p.rowStride;
  if (r >= p.rows) { return; }
  let o = r * p.features;
  var keep = false;
  for (var f = 0u; f < p.features; f++) {
    if (!(x[o + f] == p.maskValue)) { keep = true; }
  }
  for (var f = 0u; f < p.features; f++) {
    y[o + f] = select(0.0, x[o + f], keep);
  }
  mask[r] = select(0.0, 1.0, keep);
}
