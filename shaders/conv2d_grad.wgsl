// Conv gradients around the matmul GEMMs (src/ops/conv2d-grad/webgpu.ts): im2col_t gathers the forward conv's input
// windows, transposed ([kh * kw * cin, pixels]) so the weight gradient is the plain GEMM colT @ dy; col2im sums the
// window columns of dcol = dy @ W^T back onto input pixels (input gradient, transposed conv) as a gather: each
// invocation owns its outputs and finds its taps by stride arithmetic, so no atomics and no barriers. col2im
// optionally fuses a per-channel bias and the activation epilogue (the transposed conv's).

override WG: u32 = 64u;
override HAS_BIAS: bool = false;
// #include "lib/activation.wgsl"

struct Params {
  h: u32, w: u32, cin: u32, oh: u32,
  ow: u32, kh: u32, kw: u32, sh: u32,
  sw: u32, dh: u32, dw: u32, padT: u32,
  padL: u32,
  total: u32,      // invocations that do work
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
  pixBase: u32,    // im2col_t: first output pixel of the chunk; col2im: first dx pixel of the chunk
  pixels: u32,     // im2col_t: output pixels in the chunk (colT row length)
  alpha: f32,      // leakyRelu slope
  cout: u32,       // flip_filter
  _p1: u32,
}

@group(0) @binding(0) var<storage, read> src1: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst1: array<f32>;
@group(0) @binding(0) var<storage, read> src4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias1: array<f32>;
@group(0) @binding(2) var<storage, read> bias4: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;

// colT[k, j] for tap row k = (ky * kw + kx) * cin + ci and chunk pixel j; 4 consecutive pixels per invocation
// (src1 = x, dst1 = colT; binding 2 unused).
@compute @workgroup_size(WG)
fn im2col_t(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &bias1;
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  let groups = (p.pixels + 3u) / 4u;
  let k = i / groups;
  let j0 = (i % groups) * 4u;
  let ci = k % p.cin;
  let tap = k / p.cin;
  let kx = tap % p.kw;
  let ky = tap / p.kw;
  for (var j = j0; j < min(j0 + 4u, p.pixels); j++) {
    let q = p.pixBase + j;
    let ox = q % p.ow;
    let t = q / p.ow;
    let oy = t % p.oh;
    let b = t / p.oh;
    let iy = i32(oy * p.sh + ky * p.dh) - i32(p.padT);
    let ix = i32(ox * p.sw + kx * p.dw) - i32(p.padL);
    var v = 0.0;
    if (iy >= 0 && iy < i32(p.h) && ix >= 0 && ix < i32(p.w)) {
      v = src1[((b * p.h + u32(iy)) * p.w + u32(ix)) * p.cin + ci];
    }
    dst1[k * p.pixels + j] = v;
  }
}

// The output coordinate (along one axis) whose window tap k reads input coordinate v, or -1 when no output pixel
// does: v + pad - k * dil must be a non-negative multiple of the stride, below the output size.
fn tapOut(v: u32, pad: u32, k: u32, dil: u32, stride: u32, size: u32) -> i32 {
  let t = i32(v + pad) - i32(k * dil);
  if (t < 0 || u32(t) % stride != 0u || u32(t) / stride >= size) { return -1; }
  return i32(u32(t) / stride);
}

// One invocation = one dx pixel x 4 channels (cin % 4 == 0): vec4 loads of col (src4), bias4 epilogue.
@compute @workgroup_size(WG)
fn col2im4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  let c4 = p.cin / 4u;
  let cq = i % c4;
  let q = i / c4;
  let ix = q % p.w;
  let t = q / p.w;
  let iy = t % p.h;
  let b = t / p.h;
  let k4 = p.kh * p.kw * c4;
  var acc = vec4<f32>(0.0);
  for (var ky = 0u; ky < p.kh; ky++) {
    let oy = tapOut(iy, p.padT, ky, p.dh, p.sh, p.oh);
    if (oy < 0) { continue; }
    for (var kx = 0u; kx < p.kw; kx++) {
      let ox = tapOut(ix, p.padL, kx, p.dw, p.sw, p.ow);
      if (ox < 0) { continue; }
      acc += src4[((b * p.oh + u32(oy)) * p.ow + u32(ox)) * k4 + (ky * p.kw + kx) * c4 + cq];
    }
  }
  if (HAS_BIAS) { acc += bias4[cq]; }
  dst4[(p.pixBase + q) * c4 + cq] = activate4(acc, vec4<f32>(p.alpha));
}

// Scalar variant: one dx element per invocation (any cin).
@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  let c = i % p.cin;
  let q = i / p.cin;
  let ix = q % p.w;
  let t = q / p.w;
  let iy = t % p.h;
  let b = t / p.h;
  let k = p.kh * p.kw * p.cin;
  var acc = 0.0;
  for (var ky = 0u; ky < p.kh; ky++) {
    let oy = tapOut(iy, p.padT, ky, p.dh, p.sh, p.oh);
    if (oy < 0) { continue; }
    for (var kx = 0u; kx < p.kw; kx++) {
      let ox = tapOut(ix, p.padL, kx, p.dw, p.sw, p.ow);
      if (ox < 0) { continue; }
      acc += src1[((b * p.oh + u32(oy)) * p.ow + u32(ox)) * k + (ky * p.kw + kx) * p.cin + c];
    }
  }
  if (HAS_BIAS) { acc += bias1[c]; }
  dst1[(p.pixBase + q) * p.cin + c] = activate(acc, p.alpha);
}

// Filter for the stride-1 input gradient as a forward conv: dst[ky, kx, co, ci] = src[kh-1-ky, kw-1-kx, ci, co]
// (src1 = filter [kh, kw, cin, cout], dst1 = flipped [kh, kw, cout, cin]; binding 2 unused). One element each.
@compute @workgroup_size(WG)
fn flip_filter(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &bias1;
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  let ci = i % p.cin;
  let t = i / p.cin;
  let co = t % p.cout;
  let tap = t / p.cout;
  let kx = tap % p.kw;
  let ky = tap / p.kw;
  dst1[i] = src1[(((p.kh - 1u - ky) * p.kw + (p.kw - 1u - kx)) * p.cin + ci) * p.cout + co];
}
