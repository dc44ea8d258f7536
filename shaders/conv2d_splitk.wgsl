// conv2d for small output maps with a long reduction (a 3x3 conv on 4x4x256, ResNet's last stages): the
// pixel-per-lane kernels leave most lanes idle there (16 pixels are 4 lanes of 64). Here lanes run over
// output-channel blocks (one vec4 of channels each) and all lanes of a workgroup share its PX pixels (4, 8, 12
// or 16) and its slice of K = kh*kw*cin/4 channel steps, so x loads and all window/padding logic are uniform
// (one scalar load per pixel, no per-lane gather) and only the 4 filter vec4s of a step are per-lane loads.
// With SPLIT > 1 the K range is cut into SPLIT slices (dispatch z); each writes raw partial sums to
// part[slice][m][cout] and conv2d_reduce.wgsl adds the slices and applies the epilogue: a second small pass
// instead of atomics. With SPLIT = 1 it applies the epilogue and writes the output directly.
// Needs one group, cin % 4 == 0 and cout % 4 == 0.
// #include "lib/activation.wgsl"

override WG: u32 = 64u;
override KH: u32 = 1u;
override KW: u32 = 1u;
override SH: i32 = 1;
override SW: i32 = 1;
override DH: i32 = 1;
override DW: i32 = 1;
override CIN: u32 = 4u;
override COUT: u32 = 4u;
override PX: u32 = 16u;      // pixels per workgroup: 4, 8, 12 or 16
override SPLIT: u32 = 1u;    // K slices (dispatch z)
override HAS_BIAS: bool = false;
override HAS_SCALE: bool = false;
override HAS_SHIFT: bool = false;
override PRELU: bool = false;
override CIN4: u32 = CIN / 4u;
override COUT4: u32 = COUT / 4u;
override STEPS: u32 = KH * KW * CIN4;  // K in 4-channel steps

struct Params {
  h: i32,
  w: i32,
  oh: u32,
  ow: u32,
  padT: i32,
  padL: i32,
  m: u32,
  rowStride: u32,
  alpha: f32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> f: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> scale: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> shift: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> slope: array<vec4<f32>>;
// The output (SPLIT = 1) or the partial sums [SPLIT][m][COUT4].
@group(0) @binding(6) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(7) var<uniform> p: Params;

fn epilogue(v0: vec4<f32>, cb: u32) -> vec4<f32> {
  var v = v0;
  if (HAS_BIAS) { v += bias[cb]; }
  if (HAS_SCALE) { v *= scale[cb]; }
  if (HAS_SHIFT) { v += shift[cb]; }
  var a = vec4<f32>(p.alpha);
  if (PRELU) { a = slope[cb]; }
  return activate4(v, a);
}

struct Origin { rowBase: i32, iy: i32, ix: i32 }

fn origin(mi: u32) -> Origin {
  let m = min(mi, p.m - 1u);  // pixels past the end compute a copy, never stored
  let ox = m % p.ow;
  let t = m / p.ow;
  let oy = t % p.oh;
  let b = t / p.oh;
  return Origin(i32(b) * p.h, i32(oy) * SH - p.padT, i32(ox) * SW - p.padL);
}

// Input offset (vec4) of a pixel's tap, or -1 in the padding.
fn tap(o: Origin, ky: i32, kx: i32) -> i32 {
  let iy = o.iy + ky * DH;
  let ix = o.ix + kx * DW;
  let inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
  return select(-1, ((o.rowBase + iy) * p.w + ix) * i32(CIN4), inside);
}

fn xload(off: i32, c4: u32) -> vec4<f32> {
  return select(vec4<f32>(0.0), x[u32(max(off, 0)) + c4], off >= 0);
}

// Four filter rows (4 input channels) of this lane's output-channel block.
struct W4 { r0: vec4<f32>, r1: vec4<f32>, r2: vec4<f32>, r3: vec4<f32> }

fn mac(acc: vec4<f32>, xv: vec4<f32>, w: W4) -> vec4<f32> {
  return fma(vec4<f32>(xv.w), w.r3, fma(vec4<f32>(xv.z), w.r2, fma(vec4<f32>(xv.y), w.r1, fma(vec4<f32>(xv.x), w.r0, acc))));
}

// Four pixels' taps and accumulators.
struct Quad { t0: i32, t1: i32, t2: i32, t3: i32 }
struct Acc4 { a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32> }

fn quadTaps(o: array<Origin, 4>, ky: i32, kx: i32) -> Quad {
  return Quad(tap(o[0], ky, kx), tap(o[1], ky, kx), tap(o[2], ky, kx), tap(o[3], ky, kx));
}

fn quadMac(a: ptr<function, Acc4>, q: Quad, c4: u32, w: W4) {
  (*a).a0 = mac((*a).a0, xload(q.t0, c4), w);
  (*a).a1 = mac((*a).a1, xload(q.t1, c4), w);
  (*a).a2 = mac((*a).a2, xload(q.t2, c4), w);
  (*a).a3 = mac((*a).a3, xload(q.t3, c4), w);
}

fn quadOrigins(m0: u32) -> array<Origin, 4> {
  return array<Origin, 4>(origin(m0), origin(m0 + 1u), origin(m0 + 2u), origin(m0 + 3u));
}

// Writes one pixel's vec4: raw into slice `s` of the partial sums, or (SPLIT = 1) through the epilogue.
fn put(m: u32, cb: u32, s: u32, v: vec4<f32>) {
  if (m >= p.m) { return; }
  if (SPLIT == 1u) {
    out[m * COUT4 + cb] = epilogue(v, cb);
  } else {
    out[(s * p.m + m) * COUT4 + cb] = v;
  }
}

fn putQuad(m0: u32, cb: u32, s: u32, a: Acc4) {
  put(m0, cb, s, a.a0);
  put(m0 + 1u, cb, s, a.a1);
  put(m0 + 2u, cb, s, a.a2);
  put(m0 + 3u, cb, s, a.a3);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Pixels and K slice come from the workgroup id alone (uniform); only the channel block is per lane.
  let m0 = wid.x * PX;
  let cb = min(wid.y * WG + lid.x, COUT4 - 1u);  // lanes past cout repeat the last block, never stored
  let s = wid.z;
  let k0 = (s * STEPS) / SPLIT;
  let k1 = ((s + 1u) * STEPS) / SPLIT;
  let o0 = quadOrigins(m0);
  let o1 = quadOrigins(m0 + 4u);
  let o2 = quadOrigins(m0 + 8u);
  let o3 = quadOrigins(m0 + 12u);
  var q0: Acc4;
  var q1: Acc4;
  var q2: Acc4;
  var q3: Acc4;
  // Steps k0..k1 of the (tap, 4-channel block) order, walked tap by tap.
  var k = k0;
  while (k < k1) {
    let t = k / CIN4;
    let cEnd = min(CIN4, k1 - t * CIN4);
    let ky = i32(t / KW);
    let kx = i32(t % KW);
    let t0 = quadTaps(o0, ky, kx);
    let t1 = quadTaps(o1, ky, kx);
    let t2 = quadTaps(o2, ky, kx);
    let t3 = quadTaps(o3, ky, kx);
    var wi = (t * CIN + (k - t * CIN4) * 4u) * COUT4 + cb;
    for (var c4 = k - t * CIN4; c4 < cEnd; c4++) {
      let w = W4(f[wi], f[wi + COUT4], f[wi + 2u * COUT4], f[wi + 3u * COUT4]);
      wi += 4u * COUT4;
      quadMac(&q0, t0, c4, w);
      if (PX > 4u) { quadMac(&q1, t1, c4, w); }
      if (PX > 8u) { quadMac(&q2, t2, c4, w); }
      if (PX > 12u) { quadMac(&q3, t3, c4, w); }
    }
    k = t * CIN4 + cEnd;
  }
  if (wid.y * WG + lid.x >= COUT4) { return; }
  putQuad(m0, cb, s, q0);
  if (PX > 4u) { putQuad(m0 + 4u, cb, s, q1); }
  if (PX > 8u) { putQuad(m0 + 8u, cb, s, q2); }
  if (PX > 12u) { putQuad(m0 + 12u, cb, s, q3); }
}
