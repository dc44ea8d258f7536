// Softmax along one axis, seen as rows: element i of row r = (o, j) at (o * len + i) * inner + j (inner == 1 for
// the last axis). exp(x - rowmax) / sum: shifting by the max keeps exp finite for any input.
//   perRow    one invocation per row, three passes over it (many rows, or short ones).
//   perGroup  one workgroup per row (few long rows): each invocation reduces a strided part, one barrier, then
//             every invocation reads all WG partials itself; no reduction tree, so two barriers per statistic
//             pass in all (barriers are the expensive part on lavapipe).

override WG: u32 = 64u;

struct Params {
  rows: u32,
  len: u32,
  inner: u32,
  rowStride: u32,   // rows (perRow) or workgroups (perGroup) per step of the y dispatch dimension
  extra: f32,       // unused here (l2normalize's epsilon)
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
  var m = x[base];
  for (var i = 1u; i < p.len; i++) { m = max(m, x[base + i * s]); }
  var sum = 0.0;
  for (var i = 0u; i < p.len; i++) {
    let e = exp(x[base + i * s] - m);
    out[base + i * s] = e;
    sum += e;
  }
  let inv = 1.0 / sum;
  for (var i = 0u; i < p.len; i++) { out[base + i * s] *= inv; }
}

var<workgroup> part: array<f32, WG>;

/** Every invocation returns the max (op 0) or the sum (op 1) of the workgroup's values. */
fn allReduce(t: u32, v: f32, op: u32) -> f32 {
  part[t] = v;
  workgroupBarrier();
  var acc = part[0];
  for (var i = 1u; i < WG; i++) {
    if (op == 0u) { acc = max(acc, part[i]); } else { acc += part[i]; }
  }
  // All reads done before the next allReduce overwrites `part`.
  workgroupBarrier();
  return acc;
}

@compute @workgroup_size(WG)
fn perGroup(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let r = wid.x + wid.y * p.rowStride;   // uniform across the workgroup: the early return keeps barriers uniform
  if (r >= p.rows) { return; }
  let base = rowBase(r);
  let s = p.inner;
  var m = -3.402823e38;
  for (var i = t; i < p.len; i += WG) { m = max(m, x[base + i * s]); }
  m = allReduce(t, m, 0u);
  var sum = 0.0;
  for (var i = t; i < p.len; i += WG) {
    let e = exp(x[base + i * s] - m);
    out[base + i * s] = e;
    sum += e;
  }
  let inv = 1.0 / allReduce(t, sum, 1u);
  for (var i = t; i < p.len; i += WG) { out[base + i * s] *= inv; }
}
