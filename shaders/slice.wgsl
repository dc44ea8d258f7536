// Channel slice (concat's backward): output row r = x[r, start : start + inner]. Each invocation copies PX
// consecutive elements of one row: vec4s in `main4` when inner, the row stride and start are multiples of 4.

override PX: u32 = 4u;
override WG: u32 = 64u;

struct Params {
  inner: u32,      // elements (or vec4s) per output row
  innerIn: u32,    // elements per input row
  start: u32,      // first element taken from each input row
  blocks: u32,     // ceil(inner / PX)
  total: u32,      // invocations: rows * blocks
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> x1: array<f32>;
@group(0) @binding(1) var<storage, read_write> out1: array<f32>;
@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  let r = i / p.blocks;
  let j0 = (i % p.blocks) * PX;
  let src = r * p.innerIn + p.start;
  let dst = r * p.inner;
  for (var j = j0; j < min(j0 + PX, p.inner); j++) { out4[dst + j] = x4[src + j]; }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  let r = i / p.blocks;
  let j0 = (i % p.blocks) * PX;
  let src = r * p.innerIn + p.start;
  let dst = r * p.inner;
  for (var j = j0; j < min(j0 + PX, p.inner); j++) { out1[dst + j] = x1[src + j]; }
}
