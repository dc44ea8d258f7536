// Max / average pooling over NHWC (maxPool, avgPool, globalAvgPool). One invocation computes OXB adjacent
// outputs along x for one channel group (a vec4 of channels in `main4` when C % 4 == 0, one channel in `main`).
// Window, strides, dilations and the channel count are override constants: tap loops have constant strides and
// the channel index splits with a constant divisor. Loops run over the clipped tap range only, so padded taps
// never enter a max and need no per-tap bounds checks.

override KH: u32 = 1u;
override KW: u32 = 1u;
override SH: u32 = 1u;
override SW: u32 = 1u;
override DH: u32 = 1u;
override DW: u32 = 1u;
override C: u32 = 1u;            // channel groups per pixel: channels / 4 in main4, channels in main
override IS_MAX: bool = true;
override COUNT_PAD: bool = false; // average divisor: taps inside the padded input (else real taps only)
override OXB: u32 = 2u;          // outputs along x per invocation
override WG: u32 = 64u;

struct Params {
  h: i32,
  w: i32,
  oh: u32,
  ow: u32,
  padTop: i32,
  padLeft: i32,
  padH: i32,          // h + bottom pad
  padW: i32,          // w + right pad
  total: u32,         // invocations: n * oh * ceil(ow / OXB) * C
  rowStride: u32,     // invocations per row of the 2-D dispatch grid
  owb: u32,           // ceil(ow / OXB)
  _pad: u32,
}

// Two entry points, each with its own element type at the same bindings (one per entry point is allowed).
@group(0) @binding(0) var<storage, read> x1: array<f32>;
@group(0) @binding(1) var<storage, read_write> out1: array<f32>;
@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;

// Tap index range [lo, hi) whose positions start + t * d fall inside [0, size).
fn taps(start: i32, k: u32, d: u32, size: i32) -> vec2<u32> {
  var lo = 0u;
  if (start < 0) { lo = u32((-start + i32(d) - 1) / i32(d)); }
  let hi = min(k, u32(max((size - start + i32(d) - 1) / i32(d), 0)));
  return vec2<u32>(lo, hi);
}

// The average's divisor for a window at (y0, x0) with clipped tap ranges ry, rx.
fn divisor(y0: i32, x0: i32, ry: vec2<u32>, rx: vec2<u32>) -> f32 {
  if (COUNT_PAD) {
    // Taps inside [-pad, size + pad): windows start at or after -pad, so only the far end clips.
    let ny = min(KH, u32((p.padH - y0 + i32(DH) - 1) / i32(DH)));
    let nx = min(KW, u32((p.padW - x0 + i32(DW) - 1) / i32(DW)));
    return f32(ny * nx);
  }
  return f32((ry.y - ry.x) * (rx.y - rx.x));
}

struct Where {
  valid: bool,
  n: u32,
  oy: u32,
  ox0: u32,
  cg: u32,
}

fn decode(gid: vec3<u32>) -> Where {
  let i = gid.x + gid.y * p.rowStride;
  var r: Where;
  r.valid = i < p.total;
  r.cg = i % C;
  var t = i / C;
  r.ox0 = (t % p.owb) * OXB;
  t = t / p.owb;
  r.oy = t % p.oh;
  r.n = t / p.oh;
  return r;
}

@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let at = decode(gid);
  if (!at.valid) { return; }
  let y0 = i32(at.oy * SH) - p.padTop;
  let ry = taps(y0, KH, DH, p.h);
  let rowBase = at.n * u32(p.h);
  let outBase = (at.n * p.oh + at.oy) * p.ow;
  for (var j = 0u; j < OXB; j++) {
    let ox = at.ox0 + j;
    if (ox >= p.ow) { break; }
    let x0 = i32(ox * SW) - p.padLeft;
    let rx = taps(x0, KW, DW, p.w);
    var acc = vec4<f32>(0.0);
    if (IS_MAX) {
      // Start from the first real tap (every window has one; the spec rejects windows of padding only).
      acc = x4[((rowBase + u32(y0 + i32(ry.x * DH))) * u32(p.w) + u32(x0 + i32(rx.x * DW))) * C + at.cg];
    }
    for (var ky = ry.x; ky < ry.y; ky++) {
      let row = (rowBase + u32(y0 + i32(ky * DH))) * u32(p.w);
      for (var kx = rx.x; kx < rx.y; kx++) {
        let v = x4[(row + u32(x0 + i32(kx * DW))) * C + at.cg];
        if (IS_MAX) { acc = max(acc, v); } else { acc += v; }
      }
    }
    if (!IS_MAX) { acc = acc / divisor(y0, x0, ry, rx); }
    out4[(outBase + ox) * C + at.cg] = acc;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let at = decode(gid);
  if (!at.valid) { return; }
  let y0 = i32(at.oy * SH) - p.padTop;
  let ry = taps(y0, KH, DH, p.h);
  let rowBase = at.n * u32(p.h);
  let outBase = (at.n * p.oh + at.oy) * p.ow;
  for (var j = 0u; j < OXB; j++) {
    let ox = at.ox0 + j;
    if (ox >= p.ow) { break; }
    let x0 = i32(ox * SW) - p.padLeft;
    let rx = taps(x0, KW, DW, p.w);
    var acc = 0.0;
    if (IS_MAX) {
      acc = x1[((rowBase + u32(y0 + i32(ry.x * DH))) * u32(p.w) + u32(x0 + i32(rx.x * DW))) * C + at.cg];
    }
    for (var ky = ry.x; ky < ry.y; ky++) {
      let row = (rowBase + u32(y0 + i32(ky * DH))) * u32(p.w);
      for (var kx = rx.x; kx < rx.y; kx++) {
        let v = x1[(row + u32(x0 + i32(kx * DW))) * C + at.cg];
        if (IS_MAX) { acc = max(acc, v); } else { acc += v; }
      }
    }
    if (!IS_MAX) { acc = acc / divisor(y0, x0, ry, rx); }
    out1[(outBase + ox) * C + at.cg] = acc;
  }
}
