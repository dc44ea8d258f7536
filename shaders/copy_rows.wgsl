// Strided row copy, shared by concat (rows of one input into their slot of each output row) and sliceChannels
// (concat's backward: a slot of each input row into a contiguous output): row r copies `inner` elements from
// src[r * srcStride + srcOffset] to dst[r * dstStride + dstOffset]. Each invocation copies PX consecutive elements
// of one row: vec4s in `main4` when inner, both strides and both offsets are multiples of 4.

override PX: u32 = 4u;
override WG: u32 = 64u;

struct Params {
  inner: u32,      // elements (or vec4s) per row
  srcStride: u32,
  srcOffset: u32,
  dstStride: u32,
  dstOffset: u32,
  blocks: u32,     // ceil(inner / PX)
  total: u32,      // invocations: rows * blocks
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
}

@group(0) @binding(0) var<storage, read> x1: array<f32>;
@group(0) @binding(1) var<storage, read_write> out1: array<f32>;
@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;

// This invocation's row and first element, or inner (nothing to do) past the end.
fn start(gid: vec3<u32>) -> vec2<u32> {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return vec2<u32>(0u, p.inner); }
  return vec2<u32>(i / p.blocks, (i % p.blocks) * PX);
}

@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = start(gid);
  let src = s.x * p.srcStride + p.srcOffset;
  let dst = s.x * p.dstStride + p.dstOffset;
  for (var j = s.y; j < min(s.y + PX, p.inner); j++) { out4[dst + j] = x4[src + j]; }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = start(gid);
  let src = s.x * p.srcStride + p.srcOffset;
  let dst = s.x * p.dstStride + p.dstOffset;
  for (var j = s.y; j < min(s.y + PX, p.inner); j++) { out1[dst + j] = x1[src + j]; }
}
