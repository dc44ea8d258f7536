// A browser image on the GPU (an rgba8unorm texture filled by copyExternalImageToTexture) -> network input
// [1, OUT_H, OUT_W, CH] f32 (RGB, or RGBA / BGR(A) for MTCNN), in one pass: zero padding to a square at the bottom / right (or none), bilinear resize,
// per-channel (v - mean) / std. Same arithmetic as the buffer path (normalizeImage, pad, resize, 1x1 affine):
// texels are turned back into their exact byte values, the source coordinate is (o * A + B) / D per axis with the
// floor / remainder correction of resize.wgsl, and taps past the image read zero (the padded square) up to the
// clamp at LEN - 1. A crop (offY, offX, imgH x imgW) of the texture stands for the image when set.

override WG: u32 = 64u;
override CH: u32 = 3u;          // output channels: 3 (RGB) or 4 (RGBA)
override BGR: bool = false;     // output B, G, R (, A)

struct Params {
  k: vec4<f32>,                // 1 / std per source channel (r, g, b, a)
  b: vec4<f32>,                // -mean / std per channel
  ay: f32, by: f32, dy: f32,   // source row = (o * ay + by) / dy
  ax: f32, bx: f32, dx: f32,   // source column
  outH: u32,
  outW: u32,
  imgH: u32,                   // the image inside the (virtual) source extent
  imgW: u32,
  lenY: u32,                   // source extent: the padded square's side, or the image's size
  lenX: u32,
  pixels: u32,                 // outH * outW
  rowStride: u32,              // invocations per row of the 2-D dispatch grid
  offY: u32,                   // the crop's top-left texel (face crops from one uploaded image)
  offX: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var img: texture_2d<f32>;
@group(0) @binding(2) var<uniform> p: Params;

struct Taps {
  i0: u32,
  i1: u32,
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
  t.i0 = u32(clamp(i32(q), 0, hi));
  t.i1 = u32(clamp(i32(q) + 1, 0, hi));
  t.w = r / d;
  return t;
}

// The texel's byte values (unorm8 -> f32 is v / 255 within 0.6 ulp, so round() recovers v), or 0 in the padding.
fn texel(y: u32, x: u32) -> vec4<f32> {
  if (y >= p.imgH || x >= p.imgW) { return vec4<f32>(0.0); }
  return round(textureLoad(img, vec2<u32>(x + p.offX, y + p.offY), 0) * 255.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.pixels) { return; }
  let ox = i % p.outW;
  let oy = i / p.outW;
  let ty = taps(oy, p.lenY, p.ay, p.by, p.dy);
  let tx = taps(ox, p.lenX, p.ax, p.bx, p.dx);
  let top = mix(texel(ty.i0, tx.i0), texel(ty.i0, tx.i1), vec4<f32>(tx.w));
  let bottom = mix(texel(ty.i1, tx.i0), texel(ty.i1, tx.i1), vec4<f32>(tx.w));
  var v = mix(top, bottom, vec4<f32>(ty.w)) * p.k + p.b;
  if (BGR) { v = v.zyxw; }
  let o = i * CH;
  out[o] = v.x;
  out[o + 1u] = v.y;
  out[o + 2u] = v.z;
  if (CH == 4u) { out[o + 3u] = v.w; }
}
