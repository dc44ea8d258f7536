// NMS for many boxes, pass 2 of 4 (op nms): the sort. Invocation t ranks candidate t among the m candidates by
// counting, O(m) each with no barriers: rank = #(higher scores) + #(equal scores at lower indices), so ties go to
// the lower index as in tfjs (candidates are in index order). Writes order[rank] = box index and the box with its
// corners ordered at sorted[rank], its area at sortedArea[rank].

override WG: u32 = 64u;

struct Params {
  n: u32,
  k: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<storage, read> boxes: array<f32>;
@group(0) @binding(1) var<storage, read> cand: array<u32>;
@group(0) @binding(2) var<storage, read> candScore: array<f32>;
@group(0) @binding(3) var<storage, read> header: array<u32>;
@group(0) @binding(4) var<storage, read_write> order: array<u32>;
@group(0) @binding(5) var<storage, read_write> sorted: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> sortedArea: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x + gid.y * p.rowStride;
  let m = header[0];
  if (t >= m) { return; }
  let i = cand[t];
  let si = candScore[t];
  var rank = 0u;
  for (var u = 0u; u < m; u++) {
    let su = candScore[u];
    rank += u32(su > si) + u32(u < t && su == si);
  }
  order[rank] = i;
  let b = i * p.k;
  let c = vec4<f32>(boxes[b], boxes[b + 1u], boxes[b + 2u], boxes[b + 3u]);
  let o = vec4<f32>(min(c.xy, c.zw), max(c.xy, c.zw));
  sorted[rank] = o;
  let d = o.zw - o.xy;
  sortedArea[rank] = d.x * d.y;
}
