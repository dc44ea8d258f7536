// Pad (constant / reflect / edge) over up to 6 dims. The launcher merges dims that need no separate handling, so
// an NHWC pad over H and W copies whole rows. One invocation writes PX consecutive elements (vec4s in `main4`,
// used when the innermost merged dim and its pads are multiples of 4) of one innermost row: the outer
// coordinates are decoded and mapped to an input row once per invocation.

override RANK: u32 = 1u;     // merged dims, innermost last
override MODE: u32 = 0u;     // 0 constant, 1 reflect, 2 edge
override PX: u32 = 4u;       // outputs per invocation along the innermost dim
override WG: u32 = 64u;

struct Params {
  outDims: array<vec4<u32>, 2>,
  inDims: array<vec4<u32>, 2>,
  before: array<vec4<u32>, 2>,
  inStrides: array<vec4<u32>, 2>,
  total: u32,          // invocations: outer rows * ceil(inner out / PX)
  rowStride: u32,      // invocations per row of the 2-D dispatch grid
  innerBlocks: u32,    // ceil(inner out / PX)
  value: f32,
}

@group(0) @binding(0) var<storage, read> x1: array<f32>;
@group(0) @binding(1) var<storage, read_write> out1: array<f32>;
@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;

fn at(v: array<vec4<u32>, 2>, i: u32) -> u32 {
  return v[i / 4u][i % 4u];
}

// Input coordinate of output coordinate o along dim d; -1 where constant padding fills.
fn source(o: u32, d: u32) -> i32 {
  let size = i32(at(p.inDims, d));
  let i = i32(o) - i32(at(p.before, d));
  if (i >= 0 && i < size) { return i; }
  if (MODE == 0u) { return -1; }
  if (MODE == 2u) { return select(size - 1, 0, i < 0); }
  return select(2 * (size - 1) - i, -i, i < 0);
}

struct Row {
  valid: bool,    // invocation inside the grid
  fill: bool,     // the whole row is constant padding
  out: u32,       // output index of the first element
  inRow: u32,     // input index of the row's first element
  inner0: u32,    // first innermost output coordinate
}

fn decode(gid: vec3<u32>) -> Row {
  let i = gid.x + gid.y * p.rowStride;
  var r: Row;
  r.valid = i < p.total;
  let innerOut = at(p.outDims, RANK - 1u);
  r.inner0 = (i % p.innerBlocks) * PX;
  var rest = i / p.innerBlocks;
  r.out = rest * innerOut + r.inner0;
  r.fill = false;
  r.inRow = 0u;
  for (var d = i32(RANK) - 2; d >= 0; d--) {
    let dim = at(p.outDims, u32(d));
    let s = source(rest % dim, u32(d));
    rest = rest / dim;
    if (s < 0) { r.fill = true; } else { r.inRow += u32(s) * at(p.inStrides, u32(d)); }
  }
  return r;
}

@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = decode(gid);
  if (!r.valid) { return; }
  let innerOut = at(p.outDims, RANK - 1u);
  for (var j = 0u; j < PX; j++) {
    let c = r.inner0 + j;
    if (c >= innerOut) { break; }
    var v = vec4<f32>(p.value);
    let s = source(c, RANK - 1u);
    if (!r.fill && s >= 0) { v = x4[r.inRow + u32(s)]; }
    out4[r.out + j] = v;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = decode(gid);
  if (!r.valid) { return; }
  let innerOut = at(p.outDims, RANK - 1u);
  for (var j = 0u; j < PX; j++) {
    let c = r.inner0 + j;
    if (c >= innerOut) { break; }
    var v = p.value;
    let s = source(c, RANK - 1u);
    if (!r.fill && s >= 0) { v = x1[r.inRow + u32(s)]; }
    out1[r.out + j] = v;
  }
}
