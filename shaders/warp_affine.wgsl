// warpAffine on NHWC: k chips sampled bilinearly through one inverse affine each (src/ops/warp-affine/spec.ts):
// output pixel (i, j) of chip b reads the source point sx = a j + b i + c, sy = d j + e i + f (pixel centres).
// One invocation per output pixel, all its channels; `main_vec4` when C % 4 == 0. C and the border mode specialise
// the pipeline; sizes are uniforms (one pipeline serves every image size). Taps outside the image read 0
// (REPLICATE false) or the clamped edge pixel; loads always use clamped indices, so no access leaves the image.

override C: u32 = 1u;
override WG: u32 = 64u;
override REPLICATE: bool = false;

struct Params {
  pixels: u32,                 // k * outH * outW
  rowStride: u32,              // invocations per row of the 2-D dispatch grid
  inH: u32,
  inW: u32,
  outH: u32,
  outW: u32,
  imageStride: u32,            // pixels between the images of chips b and b + 1: 0 (one image) or inH * inW
  _pad: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> m: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;

/** NaN test on the bits: compilers may fold `v != v` away. */
fn isNan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

/** One axis: two taps (clamped indices), whether each lies inside the image, and the weight of the second. */
struct Axis {
  i0: u32,
  i1: u32,
  in0: bool,
  in1: bool,
  w: f32,
}

fn axis(s: f32, len: u32) -> Axis {
  // Clamping to [-2, len + 1] changes no value (every tap beyond is out, or on the edge) and keeps i32() defined.
  let sc = clamp(s, -2.0, f32(len) + 1.0);
  let f = floor(sc);
  let t0 = i32(f);
  let hi = i32(len) - 1;
  var a: Axis;
  a.i0 = u32(clamp(t0, 0, hi));
  a.i1 = u32(clamp(t0 + 1, 0, hi));
  a.in0 = REPLICATE || (t0 >= 0 && t0 <= hi);
  a.in1 = REPLICATE || (t0 + 1 >= 0 && t0 + 1 <= hi);
  a.w = sc - f;
  return a;
}

struct Sample {
  ok: bool,                    // false for a NaN coordinate: the pixel is 0
  p00: u32,                    // source pixel indices of the four taps (clamped)
  p01: u32,
  p10: u32,
  p11: u32,
  k00: bool,                   // whether each tap reads the image (else 0)
  k01: bool,
  k10: bool,
  k11: bool,
  wx: f32,
  wy: f32,
}

fn sample(o: u32) -> Sample {
  var s: Sample;
  let j = o % p.outW;
  let rest = o / p.outW;
  let i = rest % p.outH;
  let b = rest / p.outH;
  let t = b * 6u;
  let sx = m[t] * f32(j) + m[t + 1u] * f32(i) + m[t + 2u];
  let sy = m[t + 3u] * f32(j) + m[t + 4u] * f32(i) + m[t + 5u];
  s.ok = !(isNan(sx) || isNan(sy));
  let ax = axis(sx, p.inW);
  let ay = axis(sy, p.inH);
  let base = b * p.imageStride;
  s.p00 = base + ay.i0 * p.inW + ax.i0;
  s.p01 = base + ay.i0 * p.inW + ax.i1;
  s.p10 = base + ay.i1 * p.inW + ax.i0;
  s.p11 = base + ay.i1 * p.inW + ax.i1;
  s.k00 = ay.in0 && ax.in0;
  s.k01 = ay.in0 && ax.in1;
  s.k10 = ay.in1 && ax.in0;
  s.k11 = ay.in1 && ax.in1;
  s.wx = ax.w;
  s.wy = ay.w;
  return s;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x + gid.y * p.rowStride;
  if (o >= p.pixels) { return; }
  let s = sample(o);
  for (var c = 0u; c < C; c++) {
    let v00 = select(0.0, x[s.p00 * C + c], s.k00);
    let v01 = select(0.0, x[s.p01 * C + c], s.k01);
    let v10 = select(0.0, x[s.p10 * C + c], s.k10);
    let v11 = select(0.0, x[s.p11 * C + c], s.k11);
    let v = mix(mix(v00, v01, s.wx), mix(v10, v11, s.wx), s.wy);
    out[o * C + c] = select(0.0, v, s.ok);
  }
}

@compute @workgroup_size(WG)
fn main_vec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x + gid.y * p.rowStride;
  if (o >= p.pixels) { return; }
  let s = sample(o);
  let C4 = C / 4u;
  let z = vec4<f32>(0.0);
  for (var c = 0u; c < C4; c++) {
    let v00 = select(z, x4[s.p00 * C4 + c], s.k00);
    let v01 = select(z, x4[s.p01 * C4 + c], s.k01);
    let v10 = select(z, x4[s.p10 * C4 + c], s.k10);
    let v11 = select(z, x4[s.p11 * C4 + c], s.k11);
    let v = mix(mix(v00, v01, vec4<f32>(s.wx)), mix(v10, v11, vec4<f32>(s.wx)), vec4<f32>(s.wy));
    out4[o * C4 + c] = select(z, v, s.ok);
  }
}
