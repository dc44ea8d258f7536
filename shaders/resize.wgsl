// ONNX Resize on NHWC (bilinear / nearest), one invocation per output pixel, all its channels.
// Entry points: `main` (any C) and `main_vec4` (C % 4 == 0: vec4 loads and stores over the same buffers).
// Sizes, mode and coordinate transform are override constants: a face pipeline resizes to a few fixed shapes.
// The transform arrives as source = (o * A + B) / D per axis (src/ops/resize/spec.ts AxisMap). For sizes these
// are integers held in f32, and floor / remainder are corrected exactly below, so nearest-mode ties (x.5) and
// integral coordinates round like the f64 reference even where f32 division is approximate (2.5 ulp in WGSL).

override MODE: u32 = 0u;       // 0 = bilinear, 1 = nearest
override NEAREST: u32 = 0u;    // 0 round_prefer_floor, 1 round_prefer_ceil, 2 floor, 3 ceil
override IN_H: u32 = 1u;
override IN_W: u32 = 1u;
override OUT_H: u32 = 1u;
override OUT_W: u32 = 1u;
override C: u32 = 1u;
override AY: f32 = 1.0;
override BY: f32 = 0.0;
override DY: f32 = 1.0;
override AX: f32 = 1.0;
override BX: f32 = 0.0;
override DX: f32 = 1.0;
override WG: u32 = 64u;

struct Params {
  pixels: u32,                 // n * OUT_H * OUT_W
  rowStride: u32,              // invocations per row of the 2-D dispatch grid
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;

struct Taps {
  i0: u32,                     // source index of the first tap (the only one for nearest)
  i1: u32,                     // second tap, clamped to the edge
  w: f32,                      // weight of i1
}

fn taps(o: u32, len: u32, a: f32, b: f32, d: f32) -> Taps {
  let num = f32(o) * a + b;
  var q = floor(num / d);
  var r = num - q * d;         // exact for integer a, b, d: fixes an off-by-one quotient
  if (r < 0.0) { q -= 1.0; r += d; }
  if (r >= d) { q += 1.0; r -= d; }
  let hi = i32(len) - 1;
  var t: Taps;
  if (MODE == 0u) {
    t.i0 = u32(clamp(i32(q), 0, hi));
    t.i1 = u32(clamp(i32(q) + 1, 0, hi));
    t.w = r / d;
  } else {
    var up = false;
    if (NEAREST == 0u) { up = 2.0 * r > d; }
    else if (NEAREST == 1u) { up = 2.0 * r >= d; }
    else if (NEAREST == 3u) { up = r > 0.0; }
    t.i0 = u32(clamp(i32(q) + select(0, 1, up), 0, hi));
    t.i1 = t.i0;
    t.w = 0.0;
  }
  return t;
}

struct Pixel {
  o: u32,                      // output pixel index
  p00: u32,                    // source pixel indices of the four taps (all equal for nearest)
  p01: u32,
  p10: u32,
  p11: u32,
  wx: f32,
  wy: f32,
}

fn pixel(gid: vec3<u32>) -> Pixel {
  var px: Pixel;
  px.o = gid.x + gid.y * p.rowStride;
  let ox = px.o % OUT_W;
  let rest = px.o / OUT_W;
  let oy = rest % OUT_H;
  let n = rest / OUT_H;
  let ty = taps(oy, IN_H, AY, BY, DY);
  let tx = taps(ox, IN_W, AX, BX, DX);
  let r0 = (n * IN_H + ty.i0) * IN_W;
  let r1 = (n * IN_H + ty.i1) * IN_W;
  px.p00 = r0 + tx.i0;
  px.p01 = r0 + tx.i1;
  px.p10 = r1 + tx.i0;
  px.p11 = r1 + tx.i1;
  px.wx = tx.w;
  px.wy = ty.w;
  return px;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x + gid.y * p.rowStride >= p.pixels) { return; }
  let px = pixel(gid);
  for (var c = 0u; c < C; c++) {
    if (MODE == 1u) {
      out[px.o * C + c] = x[px.p00 * C + c];
    } else {
      let top = mix(x[px.p00 * C + c], x[px.p01 * C + c], px.wx);
      let bottom = mix(x[px.p10 * C + c], x[px.p11 * C + c], px.wx);
      out[px.o * C + c] = mix(top, bottom, px.wy);
    }
  }
}

@compute @workgroup_size(WG)
fn main_vec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x + gid.y * p.rowStride >= p.pixels) { return; }
  let px = pixel(gid);
  let C4 = C / 4u;
  for (var c = 0u; c < C4; c++) {
    if (MODE == 1u) {
      out4[px.o * C4 + c] = x4[px.p00 * C4 + c];
    } else {
      let top = mix(x4[px.p00 * C4 + c], x4[px.p01 * C4 + c], vec4<f32>(px.wx));
      let bottom = mix(x4[px.p10 * C4 + c], x4[px.p11 * C4 + c], vec4<f32>(px.wx));
      out4[px.o * C4 + c] = mix(top, bottom, vec4<f32>(px.wy));
    }
  }
}
