// Depthwise conv2d (groups = channels, multiplier 1) with channels % 4 == 0: each invocation computes 4 output
// pixels x one vec4 of channels. The op is load-bound (one FMA per x load), and on lavapipe every storage load
// with a per-lane address is a loop over lanes, so the kernels minimise loads: `row3` (3-wide window, stride 1,
// dilation 1 along x) takes 4 neighbouring pixels of one output row, which read 6 input columns per window row
// instead of 12; `row8x4` (full 3x3, stride 1) takes 4 rows x 8 pixels that share their input rows, `row4x4s2`
// the same at stride 2 with 4 rows x 4 pixels; `main` (any window) takes 4 pixels consecutive in n*oh*ow.
// #include "lib/activation.wgsl"

override WG: u32 = 64u;
override KH: u32 = 3u;
override KW: u32 = 3u;
override SH: i32 = 1;
override SW: i32 = 1;
override DH: i32 = 1;
override DW: i32 = 1;
override C: u32 = 4u;
override HAS_BIAS: bool = false;
override HAS_SCALE: bool = false;
override HAS_SHIFT: bool = false;
override PRELU: bool = false;
// conv2d's inputRelu: taps read relu(x) (padding stays 0 = relu(0)).
override IN_RELU: bool = false;
override C4: u32 = C / 4u;

// #include "lib/conv_params.wgsl"

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> f: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> scale: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> shift: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> slope: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(7) var<uniform> p: Params;

// #include "lib/conv_origin.wgsl"

// x at a pixel's tap for channel block c4, zero in the padding.
fn xtap(o: Origin, ky: i32, kx: i32, c4: u32) -> vec4<f32> {
  let iy = o.iy + ky * DH;
  let ix = o.ix + kx * DW;
  let inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
  let off = select(0, ((o.rowBase + iy) * p.w + ix) * i32(C4), inside);
  return select(vec4<f32>(0.0), xin(u32(off) + c4), inside);
}

fn xin(i: u32) -> vec4<f32> {
  let v = x[i];
  if (IN_RELU) { return max(v, vec4<f32>(0.0)); }
  return v;
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

// Stores a run of neighbouring output pixels m0.. of one output row that starts at column ox0; pixels past the
// row's end are dropped (a row's last run may be partial).
fn putPx(m: u32, ox: u32, cb: u32, a: vec4<f32>) {
  if (ox < p.ow) { out[m * C4 + cb] = epilogue(a, cb); }
}
fn put4(m0: u32, ox0: u32, cb: u32, a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32>) {
  putPx(m0, ox0, cb, a0);
  putPx(m0 + 1u, ox0 + 1u, cb, a1);
  putPx(m0 + 2u, ox0 + 2u, cb, a2);
  putPx(m0 + 3u, ox0 + 3u, cb, a3);
}
fn put8(m0: u32, ox0: u32, cb: u32, a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32>, a4: vec4<f32>, a5: vec4<f32>, a6: vec4<f32>, a7: vec4<f32>) {
  put4(m0, ox0, cb, a0, a1, a2, a3);
  put4(m0 + 4u, ox0 + 4u, cb, a4, a5, a6, a7);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  // Channel blocks vary fastest across invocations: neighbours read neighbouring x and filter vec4s.
  let i = gid.x + gid.y * p.rowStride;
  let cb = i % C4;
  let m0 = (i / C4) * 4u;
  if (m0 >= p.m) { return; }
  let o0 = origin(m0);
  let o1 = origin(m0 + 1u);
  let o2 = origin(m0 + 2u);
  let o3 = origin(m0 + 3u);
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  for (var ky = 0; ky < i32(KH); ky++) {
    for (var kx = 0; kx < i32(KW); kx++) {
      let wv = f[u32(ky * i32(KW) + kx) * C4 + cb];
      a0 = fma(xtap(o0, ky, kx, cb), wv, a0);
      a1 = fma(xtap(o1, ky, kx, cb), wv, a1);
      a2 = fma(xtap(o2, ky, kx, cb), wv, a2);
      a3 = fma(xtap(o3, ky, kx, cb), wv, a3);
    }
  }
  out[m0 * C4 + cb] = epilogue(a0, cb);
  if (m0 + 1u < p.m) { out[(m0 + 1u) * C4 + cb] = epilogue(a1, cb); }
  if (m0 + 2u < p.m) { out[(m0 + 2u) * C4 + cb] = epilogue(a2, cb); }
  if (m0 + 3u < p.m) { out[(m0 + 3u) * C4 + cb] = epilogue(a3, cb); }
}

// 4 neighbouring pixels of one output row (KW = 3, SW = 1, DW = 1): per window row, 6 input columns and 3 filter
// taps feed 12 vec4 FMAs.
@compute @workgroup_size(WG)
fn row3(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  let cb = i % C4;
  let seg = i / C4;
  let perRow = (p.ow + 3u) / 4u;
  let row = seg / perRow;  // n*oh + oy
  if (row * p.ow >= p.m) { return; }
  let ox0 = (seg % perRow) * 4u;
  let oy = row % p.oh;
  let b = row / p.oh;
  let ix0 = i32(ox0) - p.padL;
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  for (var ky = 0; ky < i32(KH); ky++) {
    let o = Origin(i32(b) * p.h, i32(oy) * SH - p.padT + ky * DH, ix0);
    let x0 = xtap(o, 0, 0, cb);
    let x1 = xtap(o, 0, 1, cb);
    let x2 = xtap(o, 0, 2, cb);
    let x3 = xtap(o, 0, 3, cb);
    let x4 = xtap(o, 0, 4, cb);
    let x5 = xtap(o, 0, 5, cb);
    let wr = u32(ky) * 3u * C4 + cb;
    let w0 = f[wr];
    let w1 = f[wr + C4];
    let w2 = f[wr + 2u * C4];
    a0 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a0)));
    a1 = fma(x3, w2, fma(x2, w1, fma(x1, w0, a1)));
    a2 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a2)));
    a3 = fma(x5, w2, fma(x4, w1, fma(x3, w0, a3)));
  }
  let m0 = row * p.ow + ox0;
  put4(m0, ox0, cb, a0, a1, a2, a3);
}

// Input column ix of one input row (rowOff = (b * h + iy) * w, the row known valid), zero outside the row.
fn xcol(rowOff: i32, ix: i32, c4: u32) -> vec4<f32> {
  let inside = ix >= 0 && ix < p.w;
  let off = select(0, (rowOff + ix) * i32(C4), inside);
  return select(vec4<f32>(0.0), xin(u32(off) + c4), inside);
}

// 8 neighbouring output pixels of one row (KW = 3, SW = 1, DW = 1): per window row, 10 input columns and 3 taps
// feed 24 FMAs (row3: 6 and 3 for 12). A window row outside the image is skipped whole: the lanes of one pixel
// run (its channel blocks) share it, so the branch is uniform within them.
@compute @workgroup_size(WG)
fn row8(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  let cb = i % C4;
  let seg = i / C4;
  let perRow = (p.ow + 7u) / 8u;
  let row = seg / perRow;  // n*oh + oy
  if (row * p.ow >= p.m) { return; }
  let ox0 = (seg % perRow) * 8u;
  let oy = row % p.oh;
  let b = row / p.oh;
  let ix0 = i32(ox0) * 1 - p.padL;
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0);
  var a5 = vec4<f32>(0.0);
  var a6 = vec4<f32>(0.0);
  var a7 = vec4<f32>(0.0);
  for (var ky = 0; ky < i32(KH); ky++) {
    let iy = i32(oy) * SH - p.padT + ky * DH;
    if (iy < 0 || iy >= p.h) { continue; }
    let rowOff = (i32(b) * p.h + iy) * p.w;
    let wr = u32(ky) * 3u * C4 + cb;
    let w0 = f[wr];
    let w1 = f[wr + C4];
    let w2 = f[wr + 2u * C4];
    let x0 = xcol(rowOff, ix0 + 0, cb);
    let x1 = xcol(rowOff, ix0 + 1, cb);
    let x2 = xcol(rowOff, ix0 + 2, cb);
    let x3 = xcol(rowOff, ix0 + 3, cb);
    let x4 = xcol(rowOff, ix0 + 4, cb);
    let x5 = xcol(rowOff, ix0 + 5, cb);
    let x6 = xcol(rowOff, ix0 + 6, cb);
    let x7 = xcol(rowOff, ix0 + 7, cb);
    let x8 = xcol(rowOff, ix0 + 8, cb);
    let x9 = xcol(rowOff, ix0 + 9, cb);
    a0 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a0)));
    a1 = fma(x3, w2, fma(x2, w1, fma(x1, w0, a1)));
    a2 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a2)));
    a3 = fma(x5, w2, fma(x4, w1, fma(x3, w0, a3)));
    a4 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a4)));
    a5 = fma(x7, w2, fma(x6, w1, fma(x5, w0, a5)));
    a6 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a6)));
    a7 = fma(x9, w2, fma(x8, w1, fma(x7, w0, a7)));
  }
  let m0 = row * p.ow + ox0;
  put8(m0, ox0, cb, a0, a1, a2, a3, a4, a5, a6, a7);
}

// 4 output pixels of one row at x stride 2 (KW = 3, DW = 1): 9 input columns and 3 taps per window row feed 12
// FMAs (`main`: 12 columns, each with its own bounds check and index decode).
@compute @workgroup_size(WG)
fn row4s2(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  let cb = i % C4;
  let seg = i / C4;
  let perRow = (p.ow + 3u) / 4u;
  let row = seg / perRow;  // n*oh + oy
  if (row * p.ow >= p.m) { return; }
  let ox0 = (seg % perRow) * 4u;
  let oy = row % p.oh;
  let b = row / p.oh;
  let ix0 = i32(ox0) * 2 - p.padL;
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  for (var ky = 0; ky < i32(KH); ky++) {
    let iy = i32(oy) * SH - p.padT + ky * DH;
    if (iy < 0 || iy >= p.h) { continue; }
    let rowOff = (i32(b) * p.h + iy) * p.w;
    let wr = u32(ky) * 3u * C4 + cb;
    let w0 = f[wr];
    let w1 = f[wr + C4];
    let w2 = f[wr + 2u * C4];
    let x0 = xcol(rowOff, ix0 + 0, cb);
    let x1 = xcol(rowOff, ix0 + 1, cb);
    let x2 = xcol(rowOff, ix0 + 2, cb);
    let x3 = xcol(rowOff, ix0 + 3, cb);
    let x4 = xcol(rowOff, ix0 + 4, cb);
    let x5 = xcol(rowOff, ix0 + 5, cb);
    let x6 = xcol(rowOff, ix0 + 6, cb);
    let x7 = xcol(rowOff, ix0 + 7, cb);
    let x8 = xcol(rowOff, ix0 + 8, cb);
    a0 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a0)));
    a1 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a1)));
    a2 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a2)));
    a3 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a3)));
  }
  let m0 = row * p.ow + ox0;
  put4(m0, ox0, cb, a0, a1, a2, a3);
}

// 4 output rows x 8 neighbouring pixels (KH = KW = 3, SH = SW = 1, DH = DW = 1): the 4 windows share their input
// rows, so 6 rows of 10 columns and 9 taps feed 96 FMAs (row8: 3 rows for 24; loads, not FMAs, bound this op). An
// input row outside the image is skipped whole (uniform across the lanes of one pixel run, its channel blocks).
@compute @workgroup_size(WG)
fn row8x4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  let cb = i % C4;
  let seg = i / C4;
  let perRow = (p.ow + 7u) / 8u;
  let bands = (p.oh + 3u) / 4u;
  let pr = seg / perRow;  // n*bands + oy / 4
  let b = pr / bands;
  if (b * p.oh * p.ow >= p.m) { return; }
  let oy = (pr % bands) * 4u;
  let ox0 = (seg % perRow) * 8u;
  let ix0 = i32(ox0) - p.padL;
  let f0 = f[0u * C4 + cb];
  let f1 = f[1u * C4 + cb];
  let f2 = f[2u * C4 + cb];
  let f3 = f[3u * C4 + cb];
  let f4 = f[4u * C4 + cb];
  let f5 = f[5u * C4 + cb];
  let f6 = f[6u * C4 + cb];
  let f7 = f[7u * C4 + cb];
  let f8 = f[8u * C4 + cb];
  var a00 = vec4<f32>(0.0);
  var a01 = vec4<f32>(0.0);
  var a02 = vec4<f32>(0.0);
  var a03 = vec4<f32>(0.0);
  var a04 = vec4<f32>(0.0);
  var a05 = vec4<f32>(0.0);
  var a06 = vec4<f32>(0.0);
  var a07 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0);
  var a11 = vec4<f32>(0.0);
  var a12 = vec4<f32>(0.0);
  var a13 = vec4<f32>(0.0);
  var a14 = vec4<f32>(0.0);
  var a15 = vec4<f32>(0.0);
  var a16 = vec4<f32>(0.0);
  var a17 = vec4<f32>(0.0);
  var a20 = vec4<f32>(0.0);
  var a21 = vec4<f32>(0.0);
  var a22 = vec4<f32>(0.0);
  var a23 = vec4<f32>(0.0);
  var a24 = vec4<f32>(0.0);
  var a25 = vec4<f32>(0.0);
  var a26 = vec4<f32>(0.0);
  var a27 = vec4<f32>(0.0);
  var a30 = vec4<f32>(0.0);
  var a31 = vec4<f32>(0.0);
  var a32 = vec4<f32>(0.0);
  var a33 = vec4<f32>(0.0);
  var a34 = vec4<f32>(0.0);
  var a35 = vec4<f32>(0.0);
  var a36 = vec4<f32>(0.0);
  var a37 = vec4<f32>(0.0);
  for (var r = 0; r < 6; r++) {
    let iy = i32(oy) - p.padT + r;
    if (iy < 0 || iy >= p.h) { continue; }
    let rowOff = (i32(b) * p.h + iy) * p.w;
    let x0 = xcol(rowOff, ix0 + 0, cb);
    let x1 = xcol(rowOff, ix0 + 1, cb);
    let x2 = xcol(rowOff, ix0 + 2, cb);
    let x3 = xcol(rowOff, ix0 + 3, cb);
    let x4 = xcol(rowOff, ix0 + 4, cb);
    let x5 = xcol(rowOff, ix0 + 5, cb);
    let x6 = xcol(rowOff, ix0 + 6, cb);
    let x7 = xcol(rowOff, ix0 + 7, cb);
    let x8 = xcol(rowOff, ix0 + 8, cb);
    let x9 = xcol(rowOff, ix0 + 9, cb);
    if (r >= 0 && r < 3) {
      let fr = r - 0;
      let w0 = select(select(f6, f3, fr == 1), f0, fr == 0);
      let w1 = select(select(f7, f4, fr == 1), f1, fr == 0);
      let w2 = select(select(f8, f5, fr == 1), f2, fr == 0);
      a00 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a00)));
      a01 = fma(x3, w2, fma(x2, w1, fma(x1, w0, a01)));
      a02 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a02)));
      a03 = fma(x5, w2, fma(x4, w1, fma(x3, w0, a03)));
      a04 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a04)));
      a05 = fma(x7, w2, fma(x6, w1, fma(x5, w0, a05)));
      a06 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a06)));
      a07 = fma(x9, w2, fma(x8, w1, fma(x7, w0, a07)));
    }
    if (r >= 1 && r < 4) {
      let fr = r - 1;
      let w0 = select(select(f6, f3, fr == 1), f0, fr == 0);
      let w1 = select(select(f7, f4, fr == 1), f1, fr == 0);
      let w2 = select(select(f8, f5, fr == 1), f2, fr == 0);
      a10 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a10)));
      a11 = fma(x3, w2, fma(x2, w1, fma(x1, w0, a11)));
      a12 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a12)));
      a13 = fma(x5, w2, fma(x4, w1, fma(x3, w0, a13)));
      a14 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a14)));
      a15 = fma(x7, w2, fma(x6, w1, fma(x5, w0, a15)));
      a16 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a16)));
      a17 = fma(x9, w2, fma(x8, w1, fma(x7, w0, a17)));
    }
    if (r >= 2 && r < 5) {
      let fr = r - 2;
      let w0 = select(select(f6, f3, fr == 1), f0, fr == 0);
      let w1 = select(select(f7, f4, fr == 1), f1, fr == 0);
      let w2 = select(select(f8, f5, fr == 1), f2, fr == 0);
      a20 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a20)));
      a21 = fma(x3, w2, fma(x2, w1, fma(x1, w0, a21)));
      a22 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a22)));
      a23 = fma(x5, w2, fma(x4, w1, fma(x3, w0, a23)));
      a24 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a24)));
      a25 = fma(x7, w2, fma(x6, w1, fma(x5, w0, a25)));
      a26 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a26)));
      a27 = fma(x9, w2, fma(x8, w1, fma(x7, w0, a27)));
    }
    if (r >= 3 && r < 6) {
      let fr = r - 3;
      let w0 = select(select(f6, f3, fr == 1), f0, fr == 0);
      let w1 = select(select(f7, f4, fr == 1), f1, fr == 0);
      let w2 = select(select(f8, f5, fr == 1), f2, fr == 0);
      a30 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a30)));
      a31 = fma(x3, w2, fma(x2, w1, fma(x1, w0, a31)));
      a32 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a32)));
      a33 = fma(x5, w2, fma(x4, w1, fma(x3, w0, a33)));
      a34 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a34)));
      a35 = fma(x7, w2, fma(x6, w1, fma(x5, w0, a35)));
      a36 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a36)));
      a37 = fma(x9, w2, fma(x8, w1, fma(x7, w0, a37)));
    }
  }
  var m = (b * p.oh + oy) * p.ow + ox0;
  put8(m, ox0, cb, a00, a01, a02, a03, a04, a05, a06, a07);
  if (oy + 1u >= p.oh) { return; }
  m += p.ow;
  put8(m, ox0, cb, a10, a11, a12, a13, a14, a15, a16, a17);
  if (oy + 2u >= p.oh) { return; }
  m += p.ow;
  put8(m, ox0, cb, a20, a21, a22, a23, a24, a25, a26, a27);
  if (oy + 3u >= p.oh) { return; }
  m += p.ow;
  put8(m, ox0, cb, a30, a31, a32, a33, a34, a35, a36, a37);
}

// 4 output rows x 4 pixels at stride 2 (KH = KW = 3, SH = SW = 2, DH = DW = 1): the windows of neighbouring output
// rows share an input row, so 9 rows of 9 columns and 9 taps feed 144 FMAs (row4s2: 3 rows of 9 columns and 9
// taps for 36). An input row outside the image is skipped whole, as in row8x4.
@compute @workgroup_size(WG)
fn row4x4s2(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  let cb = i % C4;
  let seg = i / C4;
  let perRow = (p.ow + 3u) / 4u;
  let bands = (p.oh + 3u) / 4u;
  let pr = seg / perRow;  // n*bands + oy / 4
  let b = pr / bands;
  if (b * p.oh * p.ow >= p.m) { return; }
  let oy = (pr % bands) * 4u;
  let ox0 = (seg % perRow) * 4u;
  let ix0 = i32(ox0) * 2 - p.padL;
  let f0 = f[0u * C4 + cb];
  let f1 = f[1u * C4 + cb];
  let f2 = f[2u * C4 + cb];
  let f3 = f[3u * C4 + cb];
  let f4 = f[4u * C4 + cb];
  let f5 = f[5u * C4 + cb];
  let f6 = f[6u * C4 + cb];
  let f7 = f[7u * C4 + cb];
  let f8 = f[8u * C4 + cb];
  var a00 = vec4<f32>(0.0);
  var a01 = vec4<f32>(0.0);
  var a02 = vec4<f32>(0.0);
  var a03 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0);
  var a11 = vec4<f32>(0.0);
  var a12 = vec4<f32>(0.0);
  var a13 = vec4<f32>(0.0);
  var a20 = vec4<f32>(0.0);
  var a21 = vec4<f32>(0.0);
  var a22 = vec4<f32>(0.0);
  var a23 = vec4<f32>(0.0);
  var a30 = vec4<f32>(0.0);
  var a31 = vec4<f32>(0.0);
  var a32 = vec4<f32>(0.0);
  var a33 = vec4<f32>(0.0);
  for (var r = 0; r < 9; r++) {
    let iy = i32(oy) * 2 - p.padT + r;
    if (iy < 0 || iy >= p.h) { continue; }
    let rowOff = (i32(b) * p.h + iy) * p.w;
    let x0 = xcol(rowOff, ix0 + 0, cb);
    let x1 = xcol(rowOff, ix0 + 1, cb);
    let x2 = xcol(rowOff, ix0 + 2, cb);
    let x3 = xcol(rowOff, ix0 + 3, cb);
    let x4 = xcol(rowOff, ix0 + 4, cb);
    let x5 = xcol(rowOff, ix0 + 5, cb);
    let x6 = xcol(rowOff, ix0 + 6, cb);
    let x7 = xcol(rowOff, ix0 + 7, cb);
    let x8 = xcol(rowOff, ix0 + 8, cb);
    if (r >= 0 && r < 3) {
      let fr = r - 0;
      let w0 = select(select(f6, f3, fr == 1), f0, fr == 0);
      let w1 = select(select(f7, f4, fr == 1), f1, fr == 0);
      let w2 = select(select(f8, f5, fr == 1), f2, fr == 0);
      a00 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a00)));
      a01 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a01)));
      a02 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a02)));
      a03 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a03)));
    }
    if (r >= 2 && r < 5) {
      let fr = r - 2;
      let w0 = select(select(f6, f3, fr == 1), f0, fr == 0);
      let w1 = select(select(f7, f4, fr == 1), f1, fr == 0);
      let w2 = select(select(f8, f5, fr == 1), f2, fr == 0);
      a10 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a10)));
      a11 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a11)));
      a12 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a12)));
      a13 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a13)));
    }
    if (r >= 4 && r < 7) {
      let fr = r - 4;
      let w0 = select(select(f6, f3, fr == 1), f0, fr == 0);
      let w1 = select(select(f7, f4, fr == 1), f1, fr == 0);
      let w2 = select(select(f8, f5, fr == 1), f2, fr == 0);
      a20 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a20)));
      a21 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a21)));
      a22 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a22)));
      a23 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a23)));
    }
    if (r >= 6 && r < 9) {
      let fr = r - 6;
      let w0 = select(select(f6, f3, fr == 1), f0, fr == 0);
      let w1 = select(select(f7, f4, fr == 1), f1, fr == 0);
      let w2 = select(select(f8, f5, fr == 1), f2, fr == 0);
      a30 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a30)));
      a31 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a31)));
      a32 = fma(x6, w2, fma(x5, w1, fma(x4, w0, a32)));
      a33 = fma(x8, w2, fma(x7, w1, fma(x6, w0, a33)));
    }
  }
  var m = (b * p.oh + oy) * p.ow + ox0;
  put4(m, ox0, cb, a00, a01, a02, a03);
  if (oy + 1u >= p.oh) { return; }
  m += p.ow;
  put4(m, ox0, cb, a10, a11, a12, a13);
  if (oy + 2u >= p.oh) { return; }
  m += p.ow;
  put4(m, ox0, cb, a20, a21, a22, a23);
  if (oy + 3u >= p.oh) { return; }
  m += p.ow;
  put4(m, ox0, cb, a30, a31, a32, a33);
}
