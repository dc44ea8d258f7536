// NMS for many boxes, pass 1 of 4 (op nms): the candidates (score > scoreThreshold; NaN never passes), compacted in
// index order by one workgroup. Each invocation counts a contiguous chunk, one barrier, then each writes its
// chunk's candidates after those of the chunks before it. Only two barriers: cheap even where barriers are not.
// Writes cand[0..m), their scores contiguous in candScore (for the sort's inner loop) and header[0] = m.

override WG: u32 = 64u;
override SCORE_COL: i32 = -1;

struct Params {
  n: u32,
  k: u32,
  chunk: u32,       // ceil(n / WG)
  scoreThreshold: f32,
}

@group(0) @binding(0) var<storage, read> boxes: array<f32>;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read_write> cand: array<u32>;
@group(0) @binding(3) var<storage, read_write> candScore: array<f32>;
@group(0) @binding(4) var<storage, read_write> header: array<u32>;
@group(0) @binding(5) var<uniform> p: Params;

var<workgroup> counts: array<u32, WG>;

fn score(i: u32) -> f32 {
  if (SCORE_COL < 0) { return scores[i]; }
  return boxes[i * p.k + u32(SCORE_COL)];
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32) {
  let lo = min(t * p.chunk, p.n);
  let hi = min(lo + p.chunk, p.n);
  var c = 0u;
  for (var i = lo; i < hi; i++) { c += u32(score(i) > p.scoreThreshold); }
  counts[t] = c;
  workgroupBarrier();
  var at = 0u;
  var total = 0u;
  for (var u = 0u; u < WG; u++) {
    at += select(0u, counts[u], u < t);
    total += counts[u];
  }
  for (var i = lo; i < hi; i++) {
    let s = score(i);
    if (s > p.scoreThreshold) {
      cand[at] = i;
      candScore[at] = s;
      at++;
    }
  }
  if (t == 0u) { header[0] = total; }
}
