// Greedy NMS in one invocation (op nms, small box counts and Soft-NMS). Eager form of tfjs's algorithm: each step
// selects the live candidate with the highest (current) score, lowest index on ties, then walks all live candidates
// once: IoU >= iouThreshold kills one; with Soft-NMS the others' scores decay by exp(scale * iou^2) and die at or
// below scoreThreshold. The same walk finds the next best, so a step is one pass over n.
// #include "lib/nms_iou.wgsl"

override SCORE_COL: i32 = -1; // score column within a box row, or -1: scores in their own buffer
override SOFT: bool = false;

struct Params {
  n: u32,
  k: u32,          // values per box row
  maxBoxes: u32,
  outCols: u32,    // 1 (indices) or 2 + k (index, score, box row)
  iouThreshold: f32,
  scoreThreshold: f32,
  scale: f32,      // Soft-NMS: -0.5 / sigma
  dead: f32,       // -inf, the score of a dead box (from the host: WGSL constants cannot be infinite)
}

@group(0) @binding(0) var<storage, read> boxes: array<f32>;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read_write> cur: array<f32>; // current score per box; -inf once dead
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

fn score(i: u32) -> f32 {
  if (SCORE_COL < 0) { return scores[i]; }
  return boxes[i * p.k + u32(SCORE_COL)];
}

fn box(i: u32) -> vec4<f32> {
  let b = i * p.k;
  return orderedBox(vec4<f32>(boxes[b], boxes[b + 1u], boxes[b + 2u], boxes[b + 3u]));
}

fn writeRow(r: u32, i: i32, s: f32) {
  let o = r * p.outCols;
  out[o] = f32(i);
  if (p.outCols == 1u) { return; }
  out[o + 1u] = s;
  if (i < 0) {
    for (var c = 0u; c < p.k; c++) { out[o + 2u + c] = 0.0; }
    return;
  }
  for (var c = 0u; c < p.k; c++) { out[o + 2u + c] = boxes[u32(i) * p.k + c]; }
}

@compute @workgroup_size(1)
fn main() {
  let dead = p.dead; // -inf fails `> scoreThreshold` for every threshold
  let thr = p.scoreThreshold;
  var best = -1;
  var bestScore = 0.0;
  for (var i = 0u; i < p.n; i++) {
    let s = score(i);
    // NaN fails the comparison too, as in tfjs
    if (s > thr) {
      cur[i] = s;
      if (best < 0 || s > bestScore) { best = i32(i); bestScore = s; }
    } else {
      cur[i] = dead;
    }
  }
  var count = 0u;
  loop {
    if (count >= p.maxBoxes || best < 0) { break; }
    writeRow(count, best, bestScore);
    count++;
    cur[u32(best)] = dead;
    let b = box(u32(best));
    let areaB = boxArea(b);
    var next = -1;
    var nextScore = 0.0;
    for (var j = 0u; j < p.n; j++) {
      var s = cur[j];
      if (!(s > thr)) { continue; }
      let c = box(j);
      let iou = boxIou(b, areaB, c, boxArea(c));
      if (iou >= p.iouThreshold) { cur[j] = dead; continue; }
      if (SOFT) {
        s *= exp(p.scale * iou * iou);
        if (s <= thr) { cur[j] = dead; continue; }
        cur[j] = s;
      }
      if (next < 0 || s > nextScore) { next = i32(j); nextScore = s; }
    }
    best = next;
    bestScore = nextScore;
  }
  for (var r = count; r < p.maxBoxes; r++) { writeRow(r, -1, 0.0); }
}
