// Concat: one dispatch per input copies its `outer` blocks of `inner` elements into their slot of each output
// block (the launcher uses buffer copies instead when outer == 1). Each invocation copies PX consecutive
// elements of one block: vec4s in `main4` when inner, innerOut and the slot offset are multiples of 4.

override PX: u32 = 4u;
override WG: u32 = 64u;

struct Params {
  inner: u32,         // elements (or vec4s) per block of this input
  innerOut: u32,      // elements per output block
  offset: u32,        // this input's slot within an output block
  blocks: u32,        // ceil(inner / PX)
  total: u32,         // invocations: outer * blocks
  rowStride: u32,     // invocations per row of the 2-D dispatch grid
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
  let o = i / p.blocks;
  let j0 = (i % p.blocks) * PX;
  let src = o * p.inner;
  let dst = o * p.innerOut + p.offset;
  for (var j = j0; j < min(j0 + PX, p.inner); j++) { out4[dst + j] = x4[src + j]; }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  let o = i / p.blocks;
  let j0 = (i % p.blocks) * PX;
  let src = o * p.inner;
  let dst = o * p.innerOut + p.offset;
  for (var j = j0; j < min(j0 + PX, p.inner); j++) { out1[dst + j] = x1[src + j]; }
}
