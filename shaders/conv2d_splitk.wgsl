// conv2d for tiny output maps (up to 16 pixels: 2x2, 4x4) where the device has no subgroups: the
// pixel-per-lane kernel (conv2d_vec4.wgsl) leaves most lanes of a workgroup idle there. Here lanes run over
// output-channel blocks (one vec4 of channels each) and all lanes of a workgroup share its 4 pixels and its slice
// of the K = kh*kw*cin/4 channel steps: x loads and the window/padding logic are uniform (one load per pixel for
// the whole workgroup), only the 4 filter rows of a step are per-lane loads. With SPLIT > 1 dispatch z cuts K
// into slices; each writes raw partial sums to out[slice][m][cout] and conv2d_reduce.wgsl adds them and applies
// the epilogue (a second small pass instead of atomics). With SPLIT = 1 it applies the epilogue itself.
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
override SPLIT: u32 = 1u;    // K slices (dispatch z)
override HAS_BIAS: bool = false;
override HAS_SCALE: bool = false;
override HAS_SHIFT: bool = false;
override PRELU: bool = false;
override CIN4: u32 = CIN / 4u;
override COUT4: u32 = COUT / 4u;
override STEPS: u32 = KH * KW * CIN4;  // K in 4-channel steps

// #include "lib/conv_params.wgsl"

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> f: array<vec4<f32>>;
// Absent extras are bound to the filter and never read (HAS_* / PRELU false).
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

// acc += xv (4 input channels) times the 4 filter rows (each 4 output channels).
fn fma4(acc: vec4<f32>, xv: vec4<f32>, w0: vec4<f32>, w1: vec4<f32>, w2: vec4<f32>, w3: vec4<f32>) -> vec4<f32> {
  return fma(vec4<f32>(xv.w), w3, fma(vec4<f32>(xv.z), w2, fma(vec4<f32>(xv.y), w1, fma(vec4<f32>(xv.x), w0, acc))));
}

// One pixel's vec4: through the epilogue (SPLIT = 1) or raw into K slice `sl`.
fn put(m: u32, cb: u32, sl: u32, v: vec4<f32>) {
  if (m >= p.m) { return; }
  if (SPLIT == 1u) {
    out[m * COUT4 + cb] = epilogue(v, cb);
  } else {
    out[(sl * p.m + m) * COUT4 + cb] = v;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Pixels and K slice come from the workgroup id alone (uniform); only the channel block is per lane.
  let m0 = wid.x * 4u;
  let lane = wid.y * WG + lid.x;
  let cb = min(lane, COUT4 - 1u);  // lanes past cout repeat the last block and store nothing
  let sl = select(wid.z, 0u, SPLIT == 1u);
  let o0 = origin(m0);
  let o1 = origin(m0 + 1u);
  let o2 = origin(m0 + 2u);
  let o3 = origin(m0 + 3u);
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  let k1 = ((sl + 1u) * STEPS) / SPLIT;
  // Channel steps k0..k1 in (tap, 4-channel block) order, walked tap by tap.
  var k = (sl * STEPS) / SPLIT;
  while (k < k1) {
    let t = k / CIN4;
    let c0 = k - t * CIN4;
    let c1 = min(CIN4, k1 - t * CIN4);
    let ky = i32(t / KW);
    let kx = i32(t % KW);
    let t0 = tap(o0, ky, kx);
    let t1 = tap(o1, ky, kx);
    let t2 = tap(o2, ky, kx);
    let t3 = tap(o3, ky, kx);
    var wi = (t * CIN + c0 * 4u) * COUT4 + cb;
    for (var c4 = c0; c4 < c1; c4++) {
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
    k = t * CIN4 + c1;
  }
  if (lane >= COUT4) { return; }
  put(m0, cb, sl, a0);
  put(m0 + 1u, cb, sl, a1);
  put(m0 + 2u, cb, sl, a2);
  put(m0 + 3u, cb, sl, a3);
}
