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

// One window row's 3 filter taps (channel block cb), and the 3x3 filter as 3 such rows.
struct Taps3 { w0: vec4<f32>, w1: vec4<f32>, w2: vec4<f32> }
struct Taps9 { r0: Taps3, r1: Taps3, r2: Taps3 }

fn taps3(ky: u32, cb: u32) -> Taps3 {
  let wr = ky * 3u * C4 + cb;
  return Taps3(f[wr], f[wr + C4], f[wr + 2u * C4]);
}

fn taps9(cb: u32) -> Taps9 {
  return Taps9(taps3(0u, cb), taps3(1u, cb), taps3(2u, cb));
}

// Window row fr (0..2, varies with the loop) of a loaded filter: selects, not an indexed load (on lavapipe a load
// whose address is not a compile-time constant runs lane by lane).
fn tapRow(t: Taps9, fr: i32) -> Taps3 {
  return Taps3(select(select(t.r2.w0, t.r1.w0, fr == 1), t.r0.w0, fr == 0),
               select(select(t.r2.w1, t.r1.w1, fr == 1), t.r0.w1, fr == 0),
               select(select(t.r2.w2, t.r1.w2, fr == 1), t.r0.w2, fr == 0));
}

// a + x0 w0 + x1 w1 + x2 w2, accumulated in that order (every row kernel sums a window row the same way).
fn mac3(a: vec4<f32>, x0: vec4<f32>, x1: vec4<f32>, x2: vec4<f32>, w: Taps3) -> vec4<f32> {
  return fma(x2, w.w2, fma(x1, w.w1, fma(x0, w.w0, a)));
}

// The run of `run` neighbouring output pixels of one output row (row = n*oh + oy) that invocation i computes.
struct RowRun { cb: u32, row: u32, ox0: u32, valid: bool }

fn rowRun(i: u32, run: u32) -> RowRun {
  let seg = i / C4;
  let perRow = (p.ow + run - 1u) / run;
  let row = seg / perRow;
  return RowRun(i % C4, row, (seg % perRow) * run, row * p.ow < p.m);
}

// The same for a band of 4 output rows (oy a multiple of 4) of batch item b.
struct BandRun { cb: u32, b: u32, oy: u32, ox0: u32, valid: bool }

fn bandRun(i: u32, run: u32) -> BandRun {
  let seg = i / C4;
  let perRow = (p.ow + run - 1u) / run;
  let bands = (p.oh + 3u) / 4u;
  let pr = seg / perRow;  // n*bands + oy / 4
  let b = pr / bands;
  return BandRun(i % C4, b, (pr % bands) * 4u, (seg % perRow) * run, b * p.oh * p.ow < p.m);
}

// 4 neighbouring pixels of one output row (KW = 3, SW = 1, DW = 1): per window row, 6 input columns and 3 filter
// taps feed 12 vec4 FMAs.
@compute @workgroup_size(WG)
fn row3(@builtin(global_invocation_id) gid: vec3<u32>) {
  let rr = rowRun(gid.x + gid.y * p.rowStride, 4u);
  if (!rr.valid) { return; }
  let cb = rr.cb;
  let row = rr.row;
  let ox0 = rr.ox0;
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
    let w = taps3(u32(ky), cb);
    a0 = mac3(a0, x0, x1, x2, w);
    a1 = mac3(a1, x1, x2, x3, w);
    a2 = mac3(a2, x2, x3, x4, w);
    a3 = mac3(a3, x3, x4, x5, w);
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
  let rr = rowRun(gid.x + gid.y * p.rowStride, 8u);
  if (!rr.valid) { return; }
  let cb = rr.cb;
  let row = rr.row;
  let ox0 = rr.ox0;
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
    let w = taps3(u32(ky), cb);
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
    a0 = mac3(a0, x0, x1, x2, w);
    a1 = mac3(a1, x1, x2, x3, w);
    a2 = mac3(a2, x2, x3, x4, w);
    a3 = mac3(a3, x3, x4, x5, w);
    a4 = mac3(a4, x4, x5, x6, w);
    a5 = mac3(a5, x5, x6, x7, w);
    a6 = mac3(a6, x6, x7, x8, w);
    a7 = mac3(a7, x7, x8, x9, w);
  }
  let m0 = row * p.ow + ox0;
  put8(m0, ox0, cb, a0, a1, a2, a3, a4, a5, a6, a7);
}

// 4 output pixels of one row at x stride 2 (KW = 3, DW = 1): 9 input columns and 3 taps per window row feed 12
// FMAs (`main`: 12 columns, each with its own bounds check and index decode).
@compute @workgroup_size(WG)
fn row4s2(@builtin(global_invocation_id) gid: vec3<u32>) {
  let rr = rowRun(gid.x + gid.y * p.rowStride, 4u);
  if (!rr.valid) { return; }
  let cb = rr.cb;
  let row = rr.row;
  let ox0 = rr.ox0;
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
    let w = taps3(u32(ky), cb);
    let x0 = xcol(rowOff, ix0 + 0, cb);
    let x1 = xcol(rowOff, ix0 + 1, cb);
    let x2 = xcol(rowOff, ix0 + 2, cb);
    let x3 = xcol(rowOff, ix0 + 3, cb);
    let x4 = xcol(rowOff, ix0 + 4, cb);
    let x5 = xcol(rowOff, ix0 + 5, cb);
    let x6 = xcol(rowOff, ix0 + 6, cb);
    let x7 = xcol(rowOff, ix0 + 7, cb);
    let x8 = xcol(rowOff, ix0 + 8, cb);
    a0 = mac3(a0, x0, x1, x2, w);
    a1 = mac3(a1, x2, x3, x4, w);
    a2 = mac3(a2, x4, x5, x6, w);
    a3 = mac3(a3, x6, x7, x8, w);
  }
  let m0 = row * p.ow + ox0;
  put4(m0, ox0, cb, a0, a1, a2, a3);
}

// 4 output rows x 8 neighbouring pixels (KH = KW = 3, SH = SW = 1, DH = DW = 1): the 4 windows share their input
// rows, so 6 rows of 10 columns and 9 taps feed 96 FMAs (row8: 3 rows for 24; loads, not FMAs, bound this op). An
// input row outside the image is skipped whole (uniform across the lanes of one pixel run, its channel blocks).
@compute @workgroup_size(WG)
fn row8x4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let br = bandRun(gid.x + gid.y * p.rowStride, 8u);
  if (!br.valid) { return; }
  let cb = br.cb;
  let b = br.b;
  let oy = br.oy;
  let ox0 = br.ox0;
  let ix0 = i32(ox0) - p.padL;
  let t = taps9(cb);
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
      let w = tapRow(t, r - 0);
      a00 = mac3(a00, x0, x1, x2, w);
      a01 = mac3(a01, x1, x2, x3, w);
      a02 = mac3(a02, x2, x3, x4, w);
      a03 = mac3(a03, x3, x4, x5, w);
      a04 = mac3(a04, x4, x5, x6, w);
      a05 = mac3(a05, x5, x6, x7, w);
      a06 = mac3(a06, x6, x7, x8, w);
      a07 = mac3(a07, x7, x8, x9, w);
    }
    if (r >= 1 && r < 4) {
      let w = tapRow(t, r - 1);
      a10 = mac3(a10, x0, x1, x2, w);
      a11 = mac3(a11, x1, x2, x3, w);
      a12 = mac3(a12, x2, x3, x4, w);
      a13 = mac3(a13, x3, x4, x5, w);
      a14 = mac3(a14, x4, x5, x6, w);
      a15 = mac3(a15, x5, x6, x7, w);
      a16 = mac3(a16, x6, x7, x8, w);
      a17 = mac3(a17, x7, x8, x9, w);
    }
    if (r >= 2 && r < 5) {
      let w = tapRow(t, r - 2);
      a20 = mac3(a20, x0, x1, x2, w);
      a21 = mac3(a21, x1, x2, x3, w);
      a22 = mac3(a22, x2, x3, x4, w);
      a23 = mac3(a23, x3, x4, x5, w);
      a24 = mac3(a24, x4, x5, x6, w);
      a25 = mac3(a25, x5, x6, x7, w);
      a26 = mac3(a26, x6, x7, x8, w);
      a27 = mac3(a27, x7, x8, x9, w);
    }
    if (r >= 3 && r < 6) {
      let w = tapRow(t, r - 3);
      a30 = mac3(a30, x0, x1, x2, w);
      a31 = mac3(a31, x1, x2, x3, w);
      a32 = mac3(a32, x2, x3, x4, w);
      a33 = mac3(a33, x3, x4, x5, w);
      a34 = mac3(a34, x4, x5, x6, w);
      a35 = mac3(a35, x5, x6, x7, w);
      a36 = mac3(a36, x6, x7, x8, w);
      a37 = mac3(a37, x7, x8, x9, w);
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
  let br = bandRun(gid.x + gid.y * p.rowStride, 4u);
  if (!br.valid) { return; }
  let cb = br.cb;
  let b = br.b;
  let oy = br.oy;
  let ox0 = br.ox0;
  let ix0 = i32(ox0) * 2 - p.padL;
  let t = taps9(cb);
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
      let w = tapRow(t, r - 0);
      a00 = mac3(a00, x0, x1, x2, w);
      a01 = mac3(a01, x2, x3, x4, w);
      a02 = mac3(a02, x4, x5, x6, w);
      a03 = mac3(a03, x6, x7, x8, w);
    }
    if (r >= 2 && r < 5) {
      let w = tapRow(t, r - 2);
      a10 = mac3(a10, x0, x1, x2, w);
      a11 = mac3(a11, x2, x3, x4, w);
      a12 = mac3(a12, x4, x5, x6, w);
      a13 = mac3(a13, x6, x7, x8, w);
    }
    if (r >= 4 && r < 7) {
      let w = tapRow(t, r - 4);
      a20 = mac3(a20, x0, x1, x2, w);
      a21 = mac3(a21, x2, x3, x4, w);
      a22 = mac3(a22, x4, x5, x6, w);
      a23 = mac3(a23, x6, x7, x8, w);
    }
    if (r >= 6 && r < 9) {
      let w = tapRow(t, r - 6);
      a30 = mac3(a30, x0, x1, x2, w);
      a31 = mac3(a31, x2, x3, x4, w);
      a32 = mac3(a32, x4, x5, x6, w);
      a33 = mac3(a33, x6, x7, x8, w);
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
