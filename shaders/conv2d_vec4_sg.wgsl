// conv2d implicit GEMM with subgroup-shared filter loads (needs the `subgroups` feature and subgroups of >= 8
// lanes). Each invocation computes 4 output pixels (consecutive in n*oh*ow) x CB vec4 output-channel blocks
// (CB = 1, 2 or 4: up to 16 channels, 16 vec4 accumulators). Every lane of a workgroup works on the same channel
// blocks, so the CB*4 filter vec4s of a 4-input-channel step are the same for all lanes: lane l loads vec4
// l % (CB*4) and subgroupBroadcast hands each to everyone. On lavapipe a storage load with a per-lane address costs
// a loop over the lanes, so this halves the loads per FMA against conv2d_vec4.wgsl (about 2x faster there).
// Needs cin/groups % 4 == 0 and cout/groups % (4*CB) == 0. No early return: subgroup ops need every lane, so
// pixels past the end compute a clamped copy and skip the store. Entry `gemm`: 1x1 stride-1 unpadded, one group.
// Split-K (SPLIT > 1, small output maps): dispatch z cuts the K = kh*kw*cin/4 channel steps into SPLIT slices;
// each writes raw partial sums to out[slice][m][cout] and conv2d_reduce.wgsl adds them and applies the epilogue.
enable subgroups;
// #include "lib/activation.wgsl"

override WG: u32 = 64u;
override KH: u32 = 1u;
override KW: u32 = 1u;
override SH: i32 = 1;
override SW: i32 = 1;
override DH: i32 = 1;
override DW: i32 = 1;
override CIN: u32 = 4u;       // input channels per group
override CIN_ALL: u32 = 4u;   // input channels (pixel stride of x)
override COUT: u32 = 4u;      // output channels
override COUT_G: u32 = 4u;    // output channels per group
override CB: u32 = 4u;        // vec4 output-channel blocks per invocation: 1, 2 or 4
override SPLIT: u32 = 1u;     // K slices (dispatch z); > 1 writes partial sums
override HAS_BIAS: bool = false;
override HAS_SCALE: bool = false;
override HAS_SHIFT: bool = false;
override PRELU: bool = false;
override RESIDUAL: bool = false;  // conv2d's residual input, added before the activation (binding 7)
override CIN4: u32 = CIN / 4u;
override COUT4: u32 = COUT / 4u;
override STEPS: u32 = KH * KW * CIN4;  // K in 4-channel steps

// #include "lib/conv_params.wgsl"

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> f: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> scale: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> shift: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> slope: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read> res: array<vec4<f32>>;
@group(0) @binding(8) var<uniform> p: Params;

// Four filter rows (4 input channels) of one vec4 output-channel block.
struct W4 { r0: vec4<f32>, r1: vec4<f32>, r2: vec4<f32>, r3: vec4<f32> }

fn mac(acc: vec4<f32>, xv: vec4<f32>, w: W4) -> vec4<f32> {
  return fma(vec4<f32>(xv.w), w.r3, fma(vec4<f32>(xv.z), w.r2, fma(vec4<f32>(xv.y), w.r1, fma(vec4<f32>(xv.x), w.r0, acc))));
}

// The epilogue of output vec4 o (channel block cb).
fn epilogue(v0: vec4<f32>, cb: u32, o: u32) -> vec4<f32> {
  var v = v0;
  if (HAS_BIAS) { v += bias[cb]; }
  if (HAS_SCALE) { v *= scale[cb]; }
  if (HAS_SHIFT) { v += shift[cb]; }
  if (RESIDUAL) { v += res[o]; }
  var a = vec4<f32>(p.alpha);
  if (PRELU) { a = slope[cb]; }
  return activate4(v, a);
}

// Stores pixel m's CB channel blocks starting at cb0: through the epilogue, or raw into K slice `sl`.
fn store(m: u32, cb0: u32, sl: u32, a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32>) {
  if (m >= p.m) { return; }
  if (SPLIT > 1u) {
    let o = (sl * p.m + m) * COUT4 + cb0;
    out[o] = a0;
    if (CB > 1u) { out[o + 1u] = a1; }
    if (CB > 3u) {
      out[o + 2u] = a2;
      out[o + 3u] = a3;
    }
    return;
  }
  let o = m * COUT4 + cb0;
  out[o] = epilogue(a0, cb0, o);
  if (CB > 1u) { out[o + 1u] = epilogue(a1, cb0 + 1u, o + 1u); }
  if (CB > 3u) {
    out[o + 2u] = epilogue(a2, cb0 + 2u, o + 2u);
    out[o + 3u] = epilogue(a3, cb0 + 3u, o + 3u);
  }
}

// #include "lib/conv_origin.wgsl"

// Input offset (in vec4) of a pixel's tap, or -1 in the padding.
fn tap(o: Origin, ky: i32, kx: i32, g4: i32) -> i32 {
  let iy = o.iy + ky * DH;
  let ix = o.ix + kx * DW;
  let inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
  return select(-1, ((o.rowBase + iy) * p.w + ix) * i32(CIN_ALL / 4u) + g4, inside);
}

fn xload(off: i32, c4: u32) -> vec4<f32> {
  return select(vec4<f32>(0.0), x[u32(max(off, 0)) + c4], off >= 0);
}

// The 16 accumulators: pixel i, channel block j.
struct Acc {
  a00: vec4<f32>, a01: vec4<f32>, a02: vec4<f32>, a03: vec4<f32>,
  a10: vec4<f32>, a11: vec4<f32>, a12: vec4<f32>, a13: vec4<f32>,
  a20: vec4<f32>, a21: vec4<f32>, a22: vec4<f32>, a23: vec4<f32>,
  a30: vec4<f32>, a31: vec4<f32>, a32: vec4<f32>, a33: vec4<f32>,
}

// This lane's share of a channel step's filter: vec4 k = lane % (CB*4) (and k + 8 when CB = 4), as offsets from
// the step's first filter vec4 (row k % 4, block k / 4).
fn laneOffsets(lane: u32) -> vec2<u32> {
  let k0 = lane % (CB * 4u);
  let k1 = (lane + 8u) % (CB * 4u);
  return vec2<u32>(k0 / 4u + (k0 % 4u) * COUT4, k1 / 4u + (k1 % 4u) * COUT4);
}

// One 4-input-channel step: loads this lane's filter share at `wi`, broadcasts, accumulates 4 pixels.
fn step(acc: ptr<function, Acc>, wi: u32, lo: vec2<u32>, x0: vec4<f32>, x1: vec4<f32>, x2: vec4<f32>, x3: vec4<f32>) {
  let wl0 = f[wi + lo.x];
  let w0 = W4(subgroupBroadcast(wl0, 0u), subgroupBroadcast(wl0, 1u), subgroupBroadcast(wl0, 2u), subgroupBroadcast(wl0, 3u));
  (*acc).a00 = mac((*acc).a00, x0, w0);
  (*acc).a10 = mac((*acc).a10, x1, w0);
  (*acc).a20 = mac((*acc).a20, x2, w0);
  (*acc).a30 = mac((*acc).a30, x3, w0);
  if (CB > 1u) {
    let w1 = W4(subgroupBroadcast(wl0, 4u), subgroupBroadcast(wl0, 5u), subgroupBroadcast(wl0, 6u), subgroupBroadcast(wl0, 7u));
    (*acc).a01 = mac((*acc).a01, x0, w1);
    (*acc).a11 = mac((*acc).a11, x1, w1);
    (*acc).a21 = mac((*acc).a21, x2, w1);
    (*acc).a31 = mac((*acc).a31, x3, w1);
  }
  if (CB > 3u) {
    let wl1 = f[wi + lo.y];
    let w2 = W4(subgroupBroadcast(wl1, 0u), subgroupBroadcast(wl1, 1u), subgroupBroadcast(wl1, 2u), subgroupBroadcast(wl1, 3u));
    let w3 = W4(subgroupBroadcast(wl1, 4u), subgroupBroadcast(wl1, 5u), subgroupBroadcast(wl1, 6u), subgroupBroadcast(wl1, 7u));
    (*acc).a02 = mac((*acc).a02, x0, w2);
    (*acc).a12 = mac((*acc).a12, x1, w2);
    (*acc).a22 = mac((*acc).a22, x2, w2);
    (*acc).a32 = mac((*acc).a32, x3, w2);
    (*acc).a03 = mac((*acc).a03, x0, w3);
    (*acc).a13 = mac((*acc).a13, x1, w3);
    (*acc).a23 = mac((*acc).a23, x2, w3);
    (*acc).a33 = mac((*acc).a33, x3, w3);
  }
}

fn finish(m0: u32, cb0: u32, sl: u32, acc: Acc) {
  store(m0, cb0, sl, acc.a00, acc.a01, acc.a02, acc.a03);
  store(m0 + 1u, cb0, sl, acc.a10, acc.a11, acc.a12, acc.a13);
  store(m0 + 2u, cb0, sl, acc.a20, acc.a21, acc.a22, acc.a23);
  store(m0 + 3u, cb0, sl, acc.a30, acc.a31, acc.a32, acc.a33);
}

// This invocation's K slice: 0 when SPLIT = 1, so the step ranges fold to constants there.
fn slice(wz: u32) -> u32 {
  return select(wz, 0u, SPLIT == 1u);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(subgroup_invocation_id) lane: u32) {
  // Dispatch z is the K slice with SPLIT > 1 (small maps, x never overflows), else pixel blocks past 65535 WGs.
  let m0 = (gid.x + select(gid.z, 0u, SPLIT > 1u) * p.rowStride) * 4u;
  let cb0 = wid.y * CB;
  let g4 = i32(((cb0 * 4u) / COUT_G) * CIN4);  // this group's first input channel, in vec4
  let lo = laneOffsets(lane);
  let o0 = origin(m0);
  let o1 = origin(m0 + 1u);
  let o2 = origin(m0 + 2u);
  let o3 = origin(m0 + 3u);
  let sl = slice(wid.z);
  let k1 = ((sl + 1u) * STEPS) / SPLIT;
  var acc: Acc;
  // Channel steps k0..k1 in (tap, 4-channel block) order, walked tap by tap.
  var k = (sl * STEPS) / SPLIT;
  while (k < k1) {
    let t = k / CIN4;
    let c0 = k - t * CIN4;
    let c1 = min(CIN4, k1 - t * CIN4);
    let ky = i32(t / KW);
    let kx = i32(t % KW);
    let t0 = tap(o0, ky, kx, g4);
    let t1 = tap(o1, ky, kx, g4);
    let t2 = tap(o2, ky, kx, g4);
    let t3 = tap(o3, ky, kx, g4);
    var wi = (t * CIN + c0 * 4u) * COUT4 + cb0;
    for (var c4 = c0; c4 < c1; c4++) {
      step(&acc, wi, lo, xload(t0, c4), xload(t1, c4), xload(t2, c4), xload(t3, c4));
      wi += 4u * COUT4;
    }
    k = t * CIN4 + c1;
  }
  finish(m0, cb0, sl, acc);
}

// 1x1, stride 1, no padding, one group: out[m, :] = x[m, :] * F.
@compute @workgroup_size(WG)
fn gemm(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(subgroup_invocation_id) lane: u32) {
  let m0 = (gid.x + select(gid.z, 0u, SPLIT > 1u) * p.rowStride) * 4u;
  let cb0 = wid.y * CB;
  let lo = laneOffsets(lane);
  let last = p.m - 1u;
  let r0 = min(m0, last) * CIN4;
  let r1 = min(m0 + 1u, last) * CIN4;
  let r2 = min(m0 + 2u, last) * CIN4;
  let r3 = min(m0 + 3u, last) * CIN4;
  let sl = slice(wid.z);
  let c0 = (sl * CIN4) / SPLIT;
  let c1 = ((sl + 1u) * CIN4) / SPLIT;
  var acc: Acc;
  var wi = c0 * 4u * COUT4 + cb0;
  for (var c4 = c0; c4 < c1; c4++) {
    step(&acc, wi, lo, x[r0 + c4], x[r1 + c4], x[r2 + c4], x[r3 + c4]);
    wi += 4u * COUT4;
  }
  finish(m0, cb0, sl, acc);
}
