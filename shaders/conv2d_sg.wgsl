// conv2d for any channel counts (the cin=3 image stem, MTCNN's 10-channel layers, cout not a multiple of 4) with
// subgroup-shared filter loads (needs `subgroups`, subgroups of >= 8 lanes). Each invocation computes 4 output
// pixels (consecutive in n*oh*ow) x 4*CB output channels (CB = 1, 2 or 4 vec4 accumulators per pixel); x and
// the filter are read one channel at a time. All lanes of a workgroup share the channel block, so each input
// channel's 4*CB filter values are loaded once per subgroup (lane l loads value l % (4*CB), and l + 8) and
// handed round with subgroupBroadcast. Channels past cout read a clamped one and are not stored. Needs every
// channel block inside one group (groups == 1 or cout/groups % (4*CB) == 0). No early return (subgroup ops).
enable subgroups;
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
override CB: u32 = 4u;        // vec4 channel blocks per invocation: 1, 2 or 4
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

// Offset of a pixel's tap (this group's first channel), or -1 in the padding.
fn tap(o: Origin, ky: i32, kx: i32, g: i32) -> i32 {
  let iy = o.iy + ky * DH;
  let ix = o.ix + kx * DW;
  let inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
  return select(-1, ((o.rowBase + iy) * p.w + ix) * i32(CIN_ALL) + g, inside);
}

fn xload(off: i32, c: u32) -> f32 {
  return select(0.0, x[u32(max(off, 0)) + c], off >= 0);
}

fn bias4(co: vec4<u32>) -> vec4<f32> { return vec4<f32>(bias[co.x], bias[co.y], bias[co.z], bias[co.w]); }
fn scale4(co: vec4<u32>) -> vec4<f32> { return vec4<f32>(scale[co.x], scale[co.y], scale[co.z], scale[co.w]); }
fn shift4(co: vec4<u32>) -> vec4<f32> { return vec4<f32>(shift[co.x], shift[co.y], shift[co.z], shift[co.w]); }
fn slope4(co: vec4<u32>) -> vec4<f32> { return vec4<f32>(slope[co.x], slope[co.y], slope[co.z], slope[co.w]); }

// Epilogue and store of one pixel's channels c0..c0+3 (clamped lanes past cout are dropped).
fn store4(m: u32, c0: u32, acc: vec4<f32>) {
  if (m >= p.m || c0 >= COUT) { return; }
  let co = min(vec4<u32>(c0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(COUT - 1u));
  var v = acc;
  if (HAS_BIAS) { v += bias4(co); }
  if (HAS_SCALE) { v *= scale4(co); }
  if (HAS_SHIFT) { v += shift4(co); }
  var a = vec4<f32>(p.alpha);
  if (PRELU) { a = slope4(co); }
  v = activate4(v, a);
  let base = m * COUT + c0;
  out[base] = v.x;
  if (c0 + 1u < COUT) { out[base + 1u] = v.y; }
  if (c0 + 2u < COUT) { out[base + 2u] = v.z; }
  if (c0 + 3u < COUT) { out[base + 3u] = v.w; }
}

// Accumulators: pixel i, channel block j.
struct Acc {
  a00: vec4<f32>, a01: vec4<f32>, a02: vec4<f32>, a03: vec4<f32>,
  a10: vec4<f32>, a11: vec4<f32>, a12: vec4<f32>, a13: vec4<f32>,
  a20: vec4<f32>, a21: vec4<f32>, a22: vec4<f32>, a23: vec4<f32>,
  a30: vec4<f32>, a31: vec4<f32>, a32: vec4<f32>, a33: vec4<f32>,
}

// One input channel: this lane's filter values at row `wi` (offsets lo), broadcast, 4 pixels accumulated.
fn step(acc: ptr<function, Acc>, wi: u32, lo: vec2<u32>, x0: f32, x1: f32, x2: f32, x3: f32) {
  let wl0 = f[wi + lo.x];
  let w0 = vec4<f32>(subgroupBroadcast(wl0, 0u), subgroupBroadcast(wl0, 1u), subgroupBroadcast(wl0, 2u), subgroupBroadcast(wl0, 3u));
  (*acc).a00 = fma(vec4<f32>(x0), w0, (*acc).a00);
  (*acc).a10 = fma(vec4<f32>(x1), w0, (*acc).a10);
  (*acc).a20 = fma(vec4<f32>(x2), w0, (*acc).a20);
  (*acc).a30 = fma(vec4<f32>(x3), w0, (*acc).a30);
  if (CB > 1u) {
    let w1 = vec4<f32>(subgroupBroadcast(wl0, 4u), subgroupBroadcast(wl0, 5u), subgroupBroadcast(wl0, 6u), subgroupBroadcast(wl0, 7u));
    (*acc).a01 = fma(vec4<f32>(x0), w1, (*acc).a01);
    (*acc).a11 = fma(vec4<f32>(x1), w1, (*acc).a11);
    (*acc).a21 = fma(vec4<f32>(x2), w1, (*acc).a21);
    (*acc).a31 = fma(vec4<f32>(x3), w1, (*acc).a31);
  }
  if (CB > 3u) {
    let wl1 = f[wi + lo.y];
    let w2 = vec4<f32>(subgroupBroadcast(wl1, 0u), subgroupBroadcast(wl1, 1u), subgroupBroadcast(wl1, 2u), subgroupBroadcast(wl1, 3u));
    let w3 = vec4<f32>(subgroupBroadcast(wl1, 4u), subgroupBroadcast(wl1, 5u), subgroupBroadcast(wl1, 6u), subgroupBroadcast(wl1, 7u));
    (*acc).a02 = fma(vec4<f32>(x0), w2, (*acc).a02);
    (*acc).a12 = fma(vec4<f32>(x1), w2, (*acc).a12);
    (*acc).a22 = fma(vec4<f32>(x2), w2, (*acc).a22);
    (*acc).a32 = fma(vec4<f32>(x3), w2, (*acc).a32);
    (*acc).a03 = fma(vec4<f32>(x0), w3, (*acc).a03);
    (*acc).a13 = fma(vec4<f32>(x1), w3, (*acc).a13);
    (*acc).a23 = fma(vec4<f32>(x2), w3, (*acc).a23);
    (*acc).a33 = fma(vec4<f32>(x3), w3, (*acc).a33);
  }
}

fn storePixel(m: u32, c0: u32, a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32>) {
  store4(m, c0, a0);
  if (CB > 1u) { store4(m, c0 + 4u, a1); }
  if (CB > 3u) {
    store4(m, c0 + 8u, a2);
    store4(m, c0 + 12u, a3);
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(subgroup_invocation_id) lane: u32) {
  let m0 = (gid.x + gid.z * p.rowStride) * 4u;
  let c0 = wid.y * 4u * CB;
  let g = i32((c0 / COUT_G) * CIN);  // this group's first input channel
  // This lane's filter columns (clamped to the last channel): c0 + lane % (4*CB), and the one 8 lanes on.
  let n = 4u * CB;
  let lo = min(vec2<u32>(c0 + lane % n, c0 + (lane + 8u) % n), vec2<u32>(COUT - 1u));
  let o0 = origin(m0);
  let o1 = origin(m0 + 1u);
  let o2 = origin(m0 + 2u);
  let o3 = origin(m0 + 3u);
  var acc: Acc;
  for (var ky = 0; ky < i32(KH); ky++) {
    for (var kx = 0; kx < i32(KW); kx++) {
      let t0 = tap(o0, ky, kx, g);
      let t1 = tap(o1, ky, kx, g);
      let t2 = tap(o2, ky, kx, g);
      let t3 = tap(o3, ky, kx, g);
      var wi = (u32(ky) * KW + u32(kx)) * CIN * COUT;
      for (var ci = 0u; ci < CIN; ci++) {
        step(&acc, wi, lo, xload(t0, ci), xload(t1, ci), xload(t2, ci), xload(t3, ci));
        wi += COUT;
      }
    }
  }
  storePixel(m0, c0, acc.a00, acc.a01, acc.a02, acc.a03);
  storePixel(m0 + 1u, c0, acc.a10, acc.a11, acc.a12, acc.a13);
  storePixel(m0 + 2u, c0, acc.a20, acc.a21, acc.a22, acc.a23);
  storePixel(m0 + 3u, c0, acc.a30, acc.a31, acc.a32, acc.a33);
}
