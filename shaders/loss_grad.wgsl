// Softmax + categorical cross-entropy, loss and gradient (src/ops/loss-grad/webgpu.ts). One workgroup: each
// invocation takes rows i, i + WG, ...; per-row loss and hit are summed in workgroup memory (one reduction at
// the end), then invocation 0 writes the stats and adds them to the accumulator.

override WG: u32 = 64u;
override ACC: bool = false;

struct Params {
  rows: u32,
  C: u32,
  scale: f32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> prob: array<f32>;
@group(0) @binding(1) var<storage, read> label: array<f32>;
@group(0) @binding(2) var<storage, read_write> dl: array<f32>;
@group(0) @binding(3) var<storage, read_write> stats: array<f32>;
@group(0) @binding(4) var<storage, read_write> acc: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

var<workgroup> lossPart: array<f32, WG>;
var<workgroup> hitPart: array<f32, WG>;

@compute @workgroup_size(WG)
fn softmax_ce(@builtin(local_invocation_index) li: u32) {
  _ = &acc;
  var loss = 0.0;
  var hits = 0.0;
  for (var b = li; b < p.rows; b += WG) {
    let o = b * p.C;
    var ps = 0.0;
    var ys = 0.0;
    var pa = 0u;
    var ya = 0u;
    for (var c = 0u; c < p.C; c++) {
      ps += prob[o + c];
      ys += label[o + c];
      if (prob[o + c] > prob[o + pa]) { pa = c; }
      if (label[o + c] > label[o + ya]) { ya = c; }
    }
    for (var c = 0u; c < p.C; c++) {
      let q = clamp(prob[o + c] / ps, p.eps, 1.0 - p.eps);
      loss -= label[o + c] * log(q);
      dl[o + c] = p.scale * (prob[o + c] * ys - label[o + c]);
    }
    if (pa == ya) { hits += 1.0; }
  }
  lossPart[li] = loss;
  hitPart[li] = hits;
  workgroupBarrier();
  if (li == 0u) {
    var l = 0.0;
    var h = 0.0;
    for (var i = 0u; i < WG; i++) {
      l += lossPart[i];
      h += hitPart[i];
    }
    stats[0] = l;
    stats[1] = h;
    if (ACC) {
      acc[0] += l;
      acc[1] += h;
    }
  }
}
