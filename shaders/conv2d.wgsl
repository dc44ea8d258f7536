// conv2d, general fallback for any channel counts and groups (cin/groups or cout/groups not a multiple of 4, the
// cin=3 image stem, depthwise with a multiplier, MTCNN's 10-channel layers) where conv2d_sg.wgsl does not apply
// (no subgroups, or output channels per group not a multiple of 4). Scalar loads; still register-blocked:
// each invocation computes 4 output pixels (consecutive in n*oh*ow) x 4 output channels held as one vec4 per
// pixel. Channel lanes past cout read a clamped channel and are not stored. When the 4 lanes may fall in different
// groups (LANE_GROUPS), each lane reads its own input channel; otherwise one x value feeds all 4 lanes.
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
