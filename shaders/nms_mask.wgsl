// NMS for many boxes, pass 3 of 4 (op nms): the suppression bitmask over the score-sorted candidates, computed in
// parallel. Word w of row r holds, for the 32 candidates c = 32w + b with r < c < m, whether IoU(r, c) >=
// iouThreshold (c would be suppressed if r is selected). Only words from r / 32 on are written: the sweep never
// reads the others. Words wholly past the diagonal and before m (nearly all) take a loop without bounds checks.
// #include "lib/nms_iou.wgsl"

override WG: u32 = 64u;

struct Params {
  n: u32,
  words: u32,        // words per row: ceil(n / 32)
  rowStride: u32,
  iouThreshold: f32,
}

@group(0) @binding(0) var<storage, read> sorted: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> sortedArea: array<f32>;
@group(0) @binding(2) var<storage, read> header: array<u32>;
@group(0) @binding(3) var<storage, read_write> mask: array<u32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x + gid.y * p.rowStride;
  let r = t / p.words;
  let w = t % p.words;
  let m = header[0];
  if (r >= m || w < r / 32u) { return; }
  let a = sorted[r];
  let areaA = sortedArea[r];
  let thr = p.iouThreshold;
  let c0 = w * 32u;
  var bits = 0u;
  if (c0 > r && c0 + 32u <= m) {
    for (var b = 0u; b < 32u; b++) {
      let c = c0 + b;
      bits |= select(0u, 1u << b, boxIou(a, areaA, sorted[c], sortedArea[c]) >= thr);
    }
  } else {
    let end = min(c0 + 32u, m);
    for (var c = max(c0, r + 1u); c < end; c++) {
      bits |= select(0u, 1u << (c - c0), boxIou(a, areaA, sorted[c], sortedArea[c]) >= thr);
    }
  }
  mask[r * p.words + w] = bits;
}
