// L2 normalisation along one axis, seen as rows (layout as in softmax.wgsl): x / sqrt(max(sum(x^2), epsilon)).
//   perRow    one invocation per row.
//   perGroup  one workgroup per row (few long rows), one all-reduce through workgroup memory.

override WG: u32 = 64u;

struct Params {
  rows: u32,
  len: u32,
  inner: u32,
  rowStride: u32,
  epsilon: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

fn rowBase(r: u32) -> u32 {
  return (r / p.inner) * p.len * p.inner + r % p.inner;
}

@compute @workgroup_size(WG)
fn perRow(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x + gid.y * p.rowStride;
  if (r >= p.rows) { return; }
  let base = rowBase(r);
  let s = p.inner;
  var ss = 0.0;
  for (var i = 0u; i < p.len; i++) {
    let v = x[base + i * s];
    ss = fma(v, v, ss);
  }
  let scale = inverseSqrt(max(ss, p.epsilon));
  for (var i = 0u; i < p.len; i++) { out[base + i * s] = x[base + i * s] * scale; }
}

var<workgroup> part: array<f32, WG>;

@compute @workgroup_size(WG)
fn perGroup(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let r = wid.x + wid.y * p.rowStride;   // uniform across the workgroup
  if (r >= p.rows) { return; }
  let base = rowBase(r);
  let s = p.inner;
  var ss = 0.0;
  for (var i = t; i < p.len; i += WG) {
    let v = x[base + i * s];
    ss = fma(v, v, ss);
  }
  part[t] = ss;
  workgroupBarrier();
  ss = 0.0;
  for (var i = 0u; i < WG; i++) { ss += part[i]; }
  let scale = inverseSqrt(max(ss, p.epsilon));
  for (var i = t; i < p.len; i += WG) { out[base + i * s] = x[base + i * s] * scale; }
}
