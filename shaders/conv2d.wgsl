// conv2d, general fallback for any channel counts and groups (cin/groups or cout/groups not a multiple of 4, the
// cin=3 image stem, depthwise with a multiplier, MTCNN's 10-channel layers) where conv2d_sg.wgsl does not apply
// (no subgroups, or output channels per group not a multiple of 4). Scalar loads; still register-blocked:
// each invocation computes 4 output pixels (consecutive in n*oh*ow) x 4 output channels held as one vec4 per
// pixel. Channel lanes past cout read a clamped channel and are not stored. When the 4 lanes may fall in different
// groups (LANE_GROUPS), each lane reads its own input channel; otherwise one x value feeds all 4 lanes.
// Entries `rgb` (1x1 depthwise on 3 channels) and `stem` (3x3 on 3 input channels) are specialised for the image
// input layers, with constant filter addresses (see each).
// #include "lib/activation.wgsl"

override WG: u32 = 64u;
override KH: u32 = 1u;
override KW: u32 = 1u;
override SH: i32 = 1;
override SW: i32 = 1;
override DH: i32 = 1;
override DW: i32 = 1;
override CIN: u32 = 1u;       // input channels per group
override CIN_ALL: u32 = 1u;   // input channels (pixel stride of x)
override COUT: u32 = 1u;      // output channels
override COUT_G: u32 = 1u;    // output channels per group
override LANE_GROUPS: bool = false;
override HAS_BIAS: bool = false;
override HAS_SCALE: bool = false;
override HAS_SHIFT: bool = false;
override PRELU: bool = false;

// #include "lib/conv_params.wgsl"

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> f: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> shift: array<f32>;
@group(0) @binding(5) var<storage, read> slope: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

// #include "lib/conv_origin.wgsl"

// Offset of a pixel's tap (first channel of x), or -1 in the padding.
fn tap(o: Origin, ky: i32, kx: i32) -> i32 {
  let iy = o.iy + ky * DH;
  let ix = o.ix + kx * DW;
  let inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
  return select(-1, ((o.rowBase + iy) * p.w + ix) * i32(CIN_ALL), inside);
}

fn xload(off: i32, c: u32) -> f32 {
  return select(0.0, x[u32(max(off, 0)) + c], off >= 0);
}

// One pixel's 4 lanes: with LANE_GROUPS each lane's group offset `go`, else one value for all.
fn xlanes(off: i32, ci: u32, go: vec4<u32>) -> vec4<f32> {
  if (LANE_GROUPS) {
    return vec4<f32>(xload(off, go.x + ci), xload(off, go.y + ci), xload(off, go.z + ci), xload(off, go.w + ci));
  }
  return vec4<f32>(xload(off, go.x + ci));
}

fn epilogue(v0: vec4<f32>, co: vec4<u32>) -> vec4<f32> {
  var v = v0;
  if (HAS_BIAS) { v += vec4<f32>(bias[co.x], bias[co.y], bias[co.z], bias[co.w]); }
  if (HAS_SCALE) { v *= vec4<f32>(scale[co.x], scale[co.y], scale[co.z], scale[co.w]); }
  if (HAS_SHIFT) { v += vec4<f32>(shift[co.x], shift[co.y], shift[co.z], shift[co.w]); }
  var a = vec4<f32>(p.alpha);
  if (PRELU) { a = vec4<f32>(slope[co.x], slope[co.y], slope[co.z], slope[co.w]); }
  return activate4(v, a);
}

fn store(m: u32, c0: u32, co: vec4<u32>, acc: vec4<f32>) {
  if (m >= p.m) { return; }
  let v = epilogue(acc, co);
  let base = m * COUT + c0;
  out[base] = v.x;
  if (c0 + 1u < COUT) { out[base + 1u] = v.y; }
  if (c0 + 2u < COUT) { out[base + 2u] = v.z; }
  if (c0 + 3u < COUT) { out[base + 3u] = v.w; }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pb = gid.x + gid.z * p.rowStride;
  let c0 = gid.y * 4u;
  let m0 = pb * 4u;
  if (m0 >= p.m || c0 >= COUT) { return; }
  let co = min(vec4<u32>(c0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(COUT - 1u));
  let go = (co / COUT_G) * CIN;  // each lane's first input channel
  let o0 = origin(m0);
  let o1 = origin(m0 + 1u);
  let o2 = origin(m0 + 2u);
  let o3 = origin(m0 + 3u);
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  for (var ky = 0u; ky < KH; ky++) {
    for (var kx = 0u; kx < KW; kx++) {
      let t0 = tap(o0, i32(ky), i32(kx));
      let t1 = tap(o1, i32(ky), i32(kx));
      let t2 = tap(o2, i32(ky), i32(kx));
      let t3 = tap(o3, i32(ky), i32(kx));
      var wi = (ky * KW + kx) * CIN * COUT;
      for (var ci = 0u; ci < CIN; ci++) {
        let wv = vec4<f32>(f[wi + co.x], f[wi + co.y], f[wi + co.z], f[wi + co.w]);
        wi += COUT;
        a0 = fma(xlanes(t0, ci, go), wv, a0);
        a1 = fma(xlanes(t1, ci, go), wv, a1);
        a2 = fma(xlanes(t2, ci, go), wv, a2);
        a3 = fma(xlanes(t3, ci, go), wv, a3);
      }
    }
  }
  store(m0, c0, co, a0);
  store(m0 + 1u, c0, co, a1);
  store(m0 + 2u, c0, co, a2);
  store(m0 + 3u, c0, co, a3);
}

// 1x1, stride 1, unpadded depthwise conv of 3 channels with multiplier 1 (per-channel affine maps: the RGB
// normalisations of FaceLandmark68Net and face preprocessing). One pixel per invocation: its channels are the
// constants 0, 1, 2, so the filter and epilogue loads have constant addresses, which lavapipe loads once per
// subgroup instead of lane by lane (`main`: 4 channel lanes, one idle, each loading per lane).
@compute @workgroup_size(WG)
fn rgb(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = gid.x + gid.z * p.rowStride;
  if (m >= p.m) { return; }
  let b = m * 3u;
  let co = vec4<u32>(0u, 1u, 2u, 2u);
  let v = epilogue(vec4<f32>(x[b] * f[0], x[b + 1u] * f[1], x[b + 2u] * f[2], 0.0), co);
  out[b] = v.x;
  out[b + 1u] = v.y;
  out[b + 2u] = v.z;
}

// 3x3 stem conv over 3 input channels (groups 1, dilation 1, cout % 4 == 0, cout <= 32): each invocation computes
// 4 output pixels (consecutive in n*oh*ow) x all cout channels, the taps and channels unrolled, so every filter
// and epilogue load has a constant address. On lavapipe a storage load at a per-lane address is a loop over the
// lanes and one at a constant address a single load: ~1.7x faster than conv2d_sg's subgroup-shared filter loads
// on FaceLandmark68Net's 112x112 3->32 stride-2 stem.
override STEM_CB: u32 = COUT / 4u;  // vec4 channel blocks (1..8)

// Accumulators: pixel i, channel block j.
struct StemAcc {
  a00: vec4<f32>, a01: vec4<f32>, a02: vec4<f32>, a03: vec4<f32>, a04: vec4<f32>, a05: vec4<f32>, a06: vec4<f32>, a07: vec4<f32>,
  a10: vec4<f32>, a11: vec4<f32>, a12: vec4<f32>, a13: vec4<f32>, a14: vec4<f32>, a15: vec4<f32>, a16: vec4<f32>, a17: vec4<f32>,
  a20: vec4<f32>, a21: vec4<f32>, a22: vec4<f32>, a23: vec4<f32>, a24: vec4<f32>, a25: vec4<f32>, a26: vec4<f32>, a27: vec4<f32>,
  a30: vec4<f32>, a31: vec4<f32>, a32: vec4<f32>, a33: vec4<f32>, a34: vec4<f32>, a35: vec4<f32>, a36: vec4<f32>, a37: vec4<f32>,
}

// Filter row k (tap * 3 + input channel), channels 4j..4j+3.
fn stemW(k: u32, j: u32) -> vec4<f32> {
  let i = k * COUT + j * 4u;
  return vec4<f32>(f[i], f[i + 1u], f[i + 2u], f[i + 3u]);
}

// One filter row k (constant after inlining) into all accumulators.
fn stemStep(acc: ptr<function, StemAcc>, k: u32, x0: f32, x1: f32, x2: f32, x3: f32) {
  let w0 = stemW(k, 0u);
  (*acc).a00 = fma(vec4<f32>(x0), w0, (*acc).a00);
  (*acc).a10 = fma(vec4<f32>(x1), w0, (*acc).a10);
  (*acc).a20 = fma(vec4<f32>(x2), w0, (*acc).a20);
  (*acc).a30 = fma(vec4<f32>(x3), w0, (*acc).a30);
  if (STEM_CB > 1u) {
    let w1 = stemW(k, 1u);
    (*acc).a01 = fma(vec4<f32>(x0), w1, (*acc).a01);
    (*acc).a11 = fma(vec4<f32>(x1), w1, (*acc).a11);
    (*acc).a21 = fma(vec4<f32>(x2), w1, (*acc).a21);
    (*acc).a31 = fma(vec4<f32>(x3), w1, (*acc).a31);
  }
  if (STEM_CB > 2u) {
    let w2 = stemW(k, 2u);
    (*acc).a02 = fma(vec4<f32>(x0), w2, (*acc).a02);
    (*acc).a12 = fma(vec4<f32>(x1), w2, (*acc).a12);
    (*acc).a22 = fma(vec4<f32>(x2), w2, (*acc).a22);
    (*acc).a32 = fma(vec4<f32>(x3), w2, (*acc).a32);
  }
  if (STEM_CB > 3u) {
    let w3 = stemW(k, 3u);
    (*acc).a03 = fma(vec4<f32>(x0), w3, (*acc).a03);
    (*acc).a13 = fma(vec4<f32>(x1), w3, (*acc).a13);
    (*acc).a23 = fma(vec4<f32>(x2), w3, (*acc).a23);
    (*acc).a33 = fma(vec4<f32>(x3), w3, (*acc).a33);
  }
  if (STEM_CB > 4u) {
    let w4 = stemW(k, 4u);
    (*acc).a04 = fma(vec4<f32>(x0), w4, (*acc).a04);
    (*acc).a14 = fma(vec4<f32>(x1), w4, (*acc).a14);
    (*acc).a24 = fma(vec4<f32>(x2), w4, (*acc).a24);
    (*acc).a34 = fma(vec4<f32>(x3), w4, (*acc).a34);
  }
  if (STEM_CB > 5u) {
    let w5 = stemW(k, 5u);
    (*acc).a05 = fma(vec4<f32>(x0), w5, (*acc).a05);
    (*acc).a15 = fma(vec4<f32>(x1), w5, (*acc).a15);
    (*acc).a25 = fma(vec4<f32>(x2), w5, (*acc).a25);
    (*acc).a35 = fma(vec4<f32>(x3), w5, (*acc).a35);
  }
  if (STEM_CB > 6u) {
    let w6 = stemW(k, 6u);
    (*acc).a06 = fma(vec4<f32>(x0), w6, (*acc).a06);
    (*acc).a16 = fma(vec4<f32>(x1), w6, (*acc).a16);
    (*acc).a26 = fma(vec4<f32>(x2), w6, (*acc).a26);
    (*acc).a36 = fma(vec4<f32>(x3), w6, (*acc).a36);
  }
  if (STEM_CB > 7u) {
    let w7 = stemW(k, 7u);
    (*acc).a07 = fma(vec4<f32>(x0), w7, (*acc).a07);
    (*acc).a17 = fma(vec4<f32>(x1), w7, (*acc).a17);
    (*acc).a27 = fma(vec4<f32>(x2), w7, (*acc).a27);
    (*acc).a37 = fma(vec4<f32>(x3), w7, (*acc).a37);
  }
}

// Channels 4j..4j+3 of pixel m through the epilogue (j constant after inlining).
fn stemPut(m: u32, j: u32, a: vec4<f32>) {
  let c0 = j * 4u;
  let v = epilogue(a, vec4<u32>(c0, c0 + 1u, c0 + 2u, c0 + 3u));
  let base = m * COUT + c0;
  out[base] = v.x;
  out[base + 1u] = v.y;
  out[base + 2u] = v.z;
  out[base + 3u] = v.w;
}

// Window tap (ky, kx) of the 4 pixels: its 3 filter rows (constant after inlining) into all accumulators. The
// caller spells out the 9 calls: NIR left a 3x3 loop rolled, which made every load per-lane again (2.5x slower).
fn stemTap(acc: ptr<function, StemAcc>, o0: Origin, o1: Origin, o2: Origin, o3: Origin, ky: i32, kx: i32) {
  let t0 = tap(o0, ky, kx);
  let t1 = tap(o1, ky, kx);
  let t2 = tap(o2, ky, kx);
  let t3 = tap(o3, ky, kx);
  let k = u32(ky * 3 + kx) * 3u;
  stemStep(acc, k, xload(t0, 0u), xload(t1, 0u), xload(t2, 0u), xload(t3, 0u));
  stemStep(acc, k + 1u, xload(t0, 1u), xload(t1, 1u), xload(t2, 1u), xload(t3, 1u));
  stemStep(acc, k + 2u, xload(t0, 2u), xload(t1, 2u), xload(t2, 2u), xload(t3, 2u));
}

// Pixel m's channel blocks through the epilogue.
fn stemPixel(m: u32, a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32>, a4: vec4<f32>, a5: vec4<f32>, a6: vec4<f32>, a7: vec4<f32>) {
  if (m >= p.m) { return; }
  stemPut(m, 0u, a0);
  if (STEM_CB > 1u) { stemPut(m, 1u, a1); }
  if (STEM_CB > 2u) { stemPut(m, 2u, a2); }
  if (STEM_CB > 3u) { stemPut(m, 3u, a3); }
  if (STEM_CB > 4u) { stemPut(m, 4u, a4); }
  if (STEM_CB > 5u) { stemPut(m, 5u, a5); }
  if (STEM_CB > 6u) { stemPut(m, 6u, a6); }
  if (STEM_CB > 7u) { stemPut(m, 7u, a7); }
}

@compute @workgroup_size(WG)
fn stem(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m0 = (gid.x + gid.z * p.rowStride) * 4u;
  if (m0 >= p.m) { return; }
  let o0 = origin(m0);
  let o1 = origin(m0 + 1u);
  let o2 = origin(m0 + 2u);
  let o3 = origin(m0 + 3u);
  var acc: StemAcc;
  stemTap(&acc, o0, o1, o2, o3, 0, 0);
  stemTap(&acc, o0, o1, o2, o3, 0, 1);
  stemTap(&acc, o0, o1, o2, o3, 0, 2);
  stemTap(&acc, o0, o1, o2, o3, 1, 0);
  stemTap(&acc, o0, o1, o2, o3, 1, 1);
  stemTap(&acc, o0, o1, o2, o3, 1, 2);
  stemTap(&acc, o0, o1, o2, o3, 2, 0);
  stemTap(&acc, o0, o1, o2, o3, 2, 1);
  stemTap(&acc, o0, o1, o2, o3, 2, 2);
  stemPixel(m0, acc.a00, acc.a01, acc.a02, acc.a03, acc.a04, acc.a05, acc.a06, acc.a07);
  stemPixel(m0 + 1u, acc.a10, acc.a11, acc.a12, acc.a13, acc.a14, acc.a15, acc.a16, acc.a17);
  stemPixel(m0 + 2u, acc.a20, acc.a21, acc.a22, acc.a23, acc.a24, acc.a25, acc.a26, acc.a27);
  stemPixel(m0 + 3u, acc.a30, acc.a31, acc.a32, acc.a33, acc.a34, acc.a35, acc.a36, acc.a37);
}
