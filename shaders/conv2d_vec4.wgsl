// conv2d as an implicit GEMM, register-blocked: each invocation computes 4 output pixels (consecutive in the
// flattened n*oh*ow order, so small images keep every lane busy) x 4 output channels (one vec4 of the HWIO filter
// row). Needs cin/groups % 4 == 0 and cout/groups % 4 == 0: x, filter, extras and output are read as vec4.
// Used where the device lacks subgroups; conv2d_vec4_sg.wgsl is the same GEMM with shared filter loads.
// Per filter tap the 4 input offsets and their in-bounds flags are computed once, outside the channel loop;
// padded pixels read a clamped address and select zero. No shared memory: on lavapipe barriers cost more than
// the reuse buys. Entry `gemm` is the 1x1 stride-1 unpadded case: a plain [M, cin] x [cin, cout] GEMM.
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
override COUT: u32 = 4u;      // output channels (row stride of the filter, pixel stride of out)
override COUT_G: u32 = 4u;    // output channels per group
override HAS_BIAS: bool = false;
override HAS_SCALE: bool = false;
override HAS_SHIFT: bool = false;
override PRELU: bool = false;

struct Params {
  h: i32,
  w: i32,
  oh: u32,
  ow: u32,
  padT: i32,
  padL: i32,
  m: u32,          // output pixels n*oh*ow
  rowStride: u32,  // invocations per z-slice of the dispatch grid (pixel blocks past 65535 workgroups)
  alpha: f32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> f: array<vec4<f32>>;
// Absent extras are bound to the filter and never read (HAS_* / PRELU false).
@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> scale: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> shift: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> slope: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(7) var<uniform> p: Params;

override CIN4: u32 = CIN / 4u;
override COUT4: u32 = COUT / 4u;

// acc += xv (4 input channels) times the 4 filter rows (each 4 output channels).
fn fma4(acc: vec4<f32>, xv: vec4<f32>, w0: vec4<f32>, w1: vec4<f32>, w2: vec4<f32>, w3: vec4<f32>) -> vec4<f32> {
  return fma(vec4<f32>(xv.w), w3, fma(vec4<f32>(xv.z), w2, fma(vec4<f32>(xv.y), w1, fma(vec4<f32>(xv.x), w0, acc))));
}

fn epilogue(v0: vec4<f32>, cb: u32) -> vec4<f32> {
  var v = v0;
  if (HAS_BIAS) { v += bias[cb]; }
  if (HAS_SCALE) { v *= scale[cb]; }
  if (HAS_SHIFT) { v += shift[cb]; }
  var a = vec4<f32>(p.alpha);
  if (PRELU) { a = slope[cb]; }
  return activate4(v, a);
}

fn store4(m0: u32, cb: u32, a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32>) {
  out[m0 * COUT4 + cb] = epilogue(a0, cb);
  if (m0 + 1u < p.m) { out[(m0 + 1u) * COUT4 + cb] = epilogue(a1, cb); }
  if (m0 + 2u < p.m) { out[(m0 + 2u) * COUT4 + cb] = epilogue(a2, cb); }
  if (m0 + 3u < p.m) { out[(m0 + 3u) * COUT4 + cb] = epilogue(a3, cb); }
}

// One output pixel's window origin: (batch row base, top-left input y, x).
struct Origin { rowBase: i32, iy: i32, ix: i32 }

fn origin(mi: u32) -> Origin {
  let m = min(mi, p.m - 1u);  // past-the-end pixels of the last block compute a copy, never stored
  let ox = m % p.ow;
  let t = m / p.ow;
  let oy = t % p.oh;
  let b = t / p.oh;
  return Origin(i32(b) * p.h, i32(oy) * SH - p.padT, i32(ox) * SW - p.padL);
}

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

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pb = gid.x + gid.z * p.rowStride;
  let cb = gid.y;  // output channel block (vec4 index)
  let m0 = pb * 4u;
  if (m0 >= p.m || cb >= COUT4) { return; }
  let g4 = i32(((cb * 4u) / COUT_G) * CIN4);  // this group's first input channel, in vec4
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
      let t0 = tap(o0, i32(ky), i32(kx), g4);
      let t1 = tap(o1, i32(ky), i32(kx), g4);
      let t2 = tap(o2, i32(ky), i32(kx), g4);
      let t3 = tap(o3, i32(ky), i32(kx), g4);
      var wi = (ky * KW + kx) * CIN * COUT4 + cb;
      for (var c4 = 0u; c4 < CIN4; c4++) {
        let w0 = f[wi];
        let w1 = f[wi + COUT4];
        let w2 = f[wi + 2u * COUT4];
        let w3 = f[wi + 3u * COUT4];
        wi += 4u * COUT4;
        a0 = fma4(a0, xload(t0, c4), w0, w1, w2, w3);
        a1 = fma4(a1, xload(t1, c4), w0, w1, w2, w3);
        a2 = fma4(a2, xload(t2, c4), w0, w1, w2, w3);
        a3 = fma4(a3, xload(t3, c4), w0, w1, w2, w3);
      }
    }
  }
  store4(m0, cb, a0, a1, a2, a3);
}

// 1x1, stride 1, no padding, one group: out[m, :] = x[m, :] * F.
@compute @workgroup_size(WG)
fn gemm(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pb = gid.x + gid.z * p.rowStride;
  let cb = gid.y;
  let m0 = pb * 4u;
  if (m0 >= p.m || cb >= COUT4) { return; }
  let last = p.m - 1u;
  let r0 = m0 * CIN4;
  let r1 = min(m0 + 1u, last) * CIN4;
  let r2 = min(m0 + 2u, last) * CIN4;
  let r3 = min(m0 + 3u, last) * CIN4;
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var wi = cb;
  for (var c4 = 0u; c4 < CIN4; c4++) {
    let w0 = f[wi];
    let w1 = f[wi + COUT4];
    let w2 = f[wi + 2u * COUT4];
    let w3 = f[wi + 3u * COUT4];
    wi += 4u * COUT4;
    a0 = fma4(a0, x[r0 + c4], w0, w1, w2, w3);
    a1 = fma4(a1, x[r1 + c4], w0, w1, w2, w3);
    a2 = fma4(a2, x[r2 + c4], w0, w1, w2, w3);
    a3 = fma4(a3, x[r3 + c4], w0, w1, w2, w3);
  }
  store4(m0, cb, a0, a1, a2, a3);
}
