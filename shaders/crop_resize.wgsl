// cropAndResize on NHWC: bilinear crops of k boxes (x0, y0, x1, y1 in pixel-edge coordinates) out of one image,
// each resized to outH x outW. One invocation per output pixel, all its channels; `main_vec4` when C % 4 == 0.
// Only C specialises the pipeline; image and output sizes are uniforms, so a detector that crops and rescales
// images of every size (MTCNN's pyramid and stages) compiles one pipeline, not one per size.
// Samples outside the image area get `fill` (src/ops/crop-resize/spec.ts has the sampling rule; the f32
// expression here is the same one the reference evaluates in f64).

override C: u32 = 1u;
override WG: u32 = 64u;

struct Params {
  pixels: u32,                 // k * outH * outW
  rowStride: u32,              // invocations per row of the 2-D dispatch grid
  inH: u32,
  inW: u32,
  outH: u32,
  outW: u32,
  fill: f32,                   // value of samples outside the image
  _pad: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> boxes: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;

struct Tap {
  inside: bool,
  i0: u32,
  i1: u32,
  w: f32,
}

fn tap(lo: f32, hi: f32, o: u32, outLen: u32, len: u32) -> Tap {
  let s = lo + (f32(o) + 0.5) * ((hi - lo) / f32(outLen)) - 0.5;
  var t: Tap;
  // Written so that NaN (a NaN box) is outside.
  t.inside = s >= -0.5 && s <= f32(len) - 0.5;
  let f = floor(s);
  let fi = i32(clamp(f, -1.0, f32(len)));
  t.i0 = u32(clamp(fi, 0, i32(len) - 1));
  t.i1 = u32(clamp(fi + 1, 0, i32(len) - 1));
  t.w = s - f;
  return t;
}

struct Pixel {
  o: u32,                      // output pixel index
  inside: bool,
  p00: u32,                    // source pixel indices of the four taps
  p01: u32,
  p10: u32,
  p11: u32,
  wx: f32,
  wy: f32,
}

fn pixel(o: u32) -> Pixel {
  var px: Pixel;
  px.o = o;
  let ox = o % p.outW;
  let rest = o / p.outW;
  let oy = rest % p.outH;
  let b = boxes[rest / p.outH];  // (x0, y0, x1, y1)
  let ty = tap(b.y, b.w, oy, p.outH, p.inH);
  let tx = tap(b.x, b.z, ox, p.outW, p.inW);
  px.inside = ty.inside && tx.inside;
  px.p00 = ty.i0 * p.inW + tx.i0;
  px.p01 = ty.i0 * p.inW + tx.i1;
  px.p10 = ty.i1 * p.inW + tx.i0;
  px.p11 = ty.i1 * p.inW + tx.i1;
  px.wx = tx.w;
  px.wy = ty.w;
  return px;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x + gid.y * p.rowStride;
  if (o >= p.pixels) { return; }
  let px = pixel(o);
  for (var c = 0u; c < C; c++) {
    if (!px.inside) {
      out[o * C + c] = p.fill;
    } else {
      let top = mix(x[px.p00 * C + c], x[px.p01 * C + c], px.wx);
      let bottom = mix(x[px.p10 * C + c], x[px.p11 * C + c], px.wx);
      out[o * C + c] = mix(top, bottom, px.wy);
    }
  }
}

@compute @workgroup_size(WG)
fn main_vec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x + gid.y * p.rowStride;
  if (o >= p.pixels) { return; }
  let px = pixel(o);
  let C4 = C / 4u;
  for (var c = 0u; c < C4; c++) {
    if (!px.inside) {
      out4[o * C4 + c] = vec4<f32>(p.fill);
    } else {
      let top = mix(x4[px.p00 * C4 + c], x4[px.p01 * C4 + c], vec4<f32>(px.wx));
      let bottom = mix(x4[px.p10 * C4 + c], x4[px.p11 * C4 + c], vec4<f32>(px.wx));
      out4[o * C4 + c] = mix(top, bottom, vec4<f32>(px.wy));
    }
  }
}
