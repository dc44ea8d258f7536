// YOLO detection head (op detectionHead, 'yolo2' encoding): decodes one box row per invocation.
// The input grid [n, H, W, A * K] and the output [n, H * W * A, K] share one flat layout, so row r reads and writes
// values r * K .. r * K + K - 1; its grid cell is r / A and its anchor r % A.
//   x0, y0 = (col, row) + sigmoid(tx, ty)) / (W, H) - size / 2;  x1, y1 = x0, y0 + size
//   size   = exp(tw, th) * anchor / (W, H);  objectness = sigmoid(to);  classes: none / sigmoid / softmax.

override WG: u32 = 64u;
override K: u32 = 5u;          // values per box: 4 coordinates, objectness, K - 5 class scores
override CLASS_ACT: u32 = 0u;  // 0 none, 1 sigmoid, 2 softmax (CLASS_ACT_CODE in src/ops/detection-head/spec.ts)

struct Params {
  rows: u32,
  anchors: u32,
  h: u32,
  w: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> anchorSize: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn sigmoid(v: f32) -> f32 {
  return 1.0 / (1.0 + exp(-v));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x + gid.y * p.rowStride;
  if (r >= p.rows) { return; }
  let cell = r / p.anchors;
  let anchor = anchorSize[r % p.anchors];
  let col = f32(cell % p.w);
  let row = f32((cell / p.w) % p.h);
  let b = r * K;
  let grid = vec2<f32>(f32(p.w), f32(p.h));
  let t = vec4<f32>(x[b], x[b + 1u], x[b + 2u], x[b + 3u]);
  let centre = (vec2<f32>(col, row) + 1.0 / (1.0 + exp(-t.xy))) / grid;
  let size = exp(t.zw) * anchor / grid;
  let lo = centre - size / 2.0;
  let hi = lo + size;
  out[b] = lo.x;
  out[b + 1u] = lo.y;
  out[b + 2u] = hi.x;
  out[b + 3u] = hi.y;
  out[b + 4u] = sigmoid(x[b + 4u]);
  if (K == 5u) { return; }
  let c0 = b + 5u;
  let c1 = b + K;
  if (CLASS_ACT == 2u) {
    // Softmax over the row's classes, shifted by their max (no overflow).
    var m = x[c0];
    for (var i = c0 + 1u; i < c1; i++) { m = max(m, x[i]); }
    var s = 0.0;
    for (var i = c0; i < c1; i++) {
      let e = exp(x[i] - m);
      out[i] = e;
      s += e;
    }
    let inv = 1.0 / s;
    for (var i = c0; i < c1; i++) { out[i] *= inv; }
  } else if (CLASS_ACT == 1u) {
    for (var i = c0; i < c1; i++) { out[i] = sigmoid(x[i]); }
  } else {
    for (var i = c0; i < c1; i++) { out[i] = x[i]; }
  }
}
